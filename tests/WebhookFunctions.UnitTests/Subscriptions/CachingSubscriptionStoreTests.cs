using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Testing.Engine;

namespace WebhookFunctions.UnitTests.Subscriptions;

public class CachingSubscriptionStoreTests
{
    private static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemorySubscriptionStore inner = new();
    private readonly CachingSubscriptionStore cache;

    public CachingSubscriptionStoreTests() =>
        cache = new CachingSubscriptionStore(inner, Microsoft.Extensions.Options.Options.Create(new DeliveryOptions { SubscriptionCacheDuration = CacheDuration }), clock);

    [Fact]
    public async Task Matching_reads_serve_one_snapshot_until_it_expires()
    {
        await inner.AddAsync(New("sub-1", "order.*"), CancellationToken.None);
        Assert.Single(await cache.MatchingAsync(null, "order.created", CancellationToken.None));

        // Written by another process: not seen until the snapshot expires.
        await inner.AddAsync(New("sub-2", "order.*"), CancellationToken.None);
        Assert.Single(await cache.MatchingAsync(null, "order.created", CancellationToken.None));
        Assert.Equal(1, inner.ListAllCalls);

        clock.Advance(CacheDuration);
        Assert.Equal(2, (await cache.MatchingAsync(null, "order.created", CancellationToken.None)).Count);
        Assert.Equal(2, inner.ListAllCalls);
    }

    [Fact]
    public async Task Every_write_through_the_cache_is_seen_by_the_next_read()
    {
        var created = await cache.AddAsync(New("sub-1", "order.*"), CancellationToken.None);
        Assert.Single(await cache.MatchingAsync(null, "order.created", CancellationToken.None));

        var narrowed = await cache.ReplaceAsync(created with { EventTypes = ["invoice.paid"] }, created.ETag!, CancellationToken.None);
        Assert.Empty(await cache.MatchingAsync(null, "order.created", CancellationToken.None));

        await cache.UpdateWithRetryAsync(narrowed.Id, s => s with { Status = SubscriptionStatus.Disabled }, CancellationToken.None);
        Assert.Empty(await cache.MatchingAsync(null, "invoice.paid", CancellationToken.None));
        Assert.Equal(SubscriptionStatus.Disabled, (await cache.FindAsync("sub-1", CancellationToken.None))!.Status);

        await cache.DeleteAsync("sub-1", CancellationToken.None);
        Assert.Null(await cache.FindAsync("sub-1", CancellationToken.None));
    }

    [Fact]
    public async Task A_subscription_created_after_the_snapshot_is_found_by_id_at_once()
    {
        Assert.Empty(await cache.MatchingAsync(null, "order.created", CancellationToken.None));
        await inner.AddAsync(New("sub-late", "order.*"), CancellationToken.None);

        Assert.Equal("sub-late", (await cache.FindAsync("sub-late", CancellationToken.None))?.Id);
        Assert.Equal(1, inner.ListAllCalls);
    }

    [Fact]
    public async Task Readers_waiting_for_a_load_share_it_and_its_failure_and_the_next_read_loads_again()
    {
        var outage = new StoreOutage(inner);
        var shared = new CachingSubscriptionStore(outage, Microsoft.Extensions.Options.Options.Create(new DeliveryOptions { SubscriptionCacheDuration = CacheDuration }), clock);

        var readers = Enumerable.Range(0, 8).Select(_ => shared.MatchingAsync(null, "order.created", CancellationToken.None)).ToList();
        outage.Fail(new TimeoutException("storage does not answer"));
        var failures = await Task.WhenAll(readers.Select(reader => Assert.ThrowsAsync<TimeoutException>(() => reader)));

        Assert.Equal(1, outage.Loads);
        Assert.Single(failures.Distinct());
        outage.Heal();
        await inner.AddAsync(New("sub-1", "order.*"), CancellationToken.None);
        Assert.Single(await shared.MatchingAsync(null, "order.created", CancellationToken.None));
        Assert.Equal(2, outage.Loads);
    }

    [Fact]
    public async Task A_reader_that_gives_up_does_not_cancel_the_load_the_others_wait_for()
    {
        var outage = new StoreOutage(inner);
        var shared = new CachingSubscriptionStore(outage, Microsoft.Extensions.Options.Options.Create(new DeliveryOptions { SubscriptionCacheDuration = CacheDuration }), clock);
        await inner.AddAsync(New("sub-1", "order.*"), CancellationToken.None);
        using var impatient = new CancellationTokenSource();

        var first = shared.MatchingAsync(null, "order.created", impatient.Token);
        var second = shared.MatchingAsync(null, "order.created", CancellationToken.None);
        await impatient.CancelAsync();
        outage.Heal();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Single(await second);
        Assert.Equal(1, outage.Loads);
    }

    private Subscription New(string id, string eventType) => new()
    {
        Id = id,
        Url = new Uri("https://receiver.example/hooks"),
        EventTypes = [eventType],
        Secrets = [new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)],
        CreatedAt = clock.GetUtcNow(),
        UpdatedAt = clock.GetUtcNow(),
    };

    /// <summary>The store behind a gate: every full load waits for <see cref="Heal"/> or fails with <see cref="Fail"/>.</summary>
    private sealed class StoreOutage(ISubscriptionStore store) : ISubscriptionStore
    {
        private TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Loads { get; private set; }

        public void Fail(Exception fault)
        {
            gate.SetException(fault);
            gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Heal() => gate.TrySetResult();

        public async Task<IReadOnlyList<Subscription>> ListAllAsync(CancellationToken cancellationToken)
        {
            Loads++;
            await gate.Task;
            return await store.ListAllAsync(cancellationToken);
        }

        public Task<Subscription> AddAsync(Subscription subscription, CancellationToken cancellationToken) => store.AddAsync(subscription, cancellationToken);

        public Task<Subscription?> GetAsync(string subscriptionId, CancellationToken cancellationToken) => store.GetAsync(subscriptionId, cancellationToken);

        public Task<WebhookFunctions.Engine.Common.Page<Subscription>> ListAsync(string? tenantId, int limit, string? continuationToken, CancellationToken cancellationToken) => store.ListAsync(tenantId, limit, continuationToken, cancellationToken);

        public Task<Subscription> ReplaceAsync(Subscription subscription, string ifMatch, CancellationToken cancellationToken) => store.ReplaceAsync(subscription, ifMatch, cancellationToken);

        public Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken) => store.DeleteAsync(subscriptionId, cancellationToken);
    }
}
