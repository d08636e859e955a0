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

    // "order.created" is looked up as "order.created", "order.*" and "*": three index lookups, whatever the total.
    private const int LookupsPerMatch = 3;

    [Fact]
    public async Task Matching_reads_serve_cached_lookups_until_they_expire()
    {
        await inner.AddAsync(New("sub-1", "order.*"), CancellationToken.None);
        Assert.Single(await cache.MatchingAsync(null, "order.created", CancellationToken.None));

        // Written by another process: not seen until the cached lookups expire.
        await inner.AddAsync(New("sub-2", "order.*"), CancellationToken.None);
        Assert.Single(await cache.MatchingAsync(null, "order.created", CancellationToken.None));
        Assert.Equal(LookupsPerMatch, inner.IndexLookups);

        clock.Advance(CacheDuration);
        Assert.Equal(2, (await cache.MatchingAsync(null, "order.created", CancellationToken.None)).Count);
        Assert.Equal(2 * LookupsPerMatch, inner.IndexLookups);
    }

    [Fact]
    public async Task A_write_drops_only_the_lookups_it_touches()
    {
        await cache.AddAsync(New("sub-1", "order.*") with { TenantId = "t1" }, CancellationToken.None);
        await cache.MatchingAsync("t1", "order.created", CancellationToken.None);
        await cache.MatchingAsync("t2", "order.created", CancellationToken.None);
        await cache.MatchingAsync("t1", "invoice.paid", CancellationToken.None);
        var before = inner.IndexLookups;

        await cache.AddAsync(New("sub-2", "order.*") with { TenantId = "t1" }, CancellationToken.None);
        Assert.Equal(2, (await cache.MatchingAsync("t1", "order.created", CancellationToken.None)).Count);
        await cache.MatchingAsync("t2", "order.created", CancellationToken.None);
        await cache.MatchingAsync("t1", "invoice.paid", CancellationToken.None);

        // Only t1's "order.*" lookup was read again.
        Assert.Equal(before + 1, inner.IndexLookups);
    }

    [Fact]
    public async Task A_lookup_larger_than_the_bound_is_answered_but_not_kept()
    {
        var small = new CachingSubscriptionStore(inner, Microsoft.Extensions.Options.Options.Create(new DeliveryOptions { SubscriptionCacheDuration = CacheDuration, SubscriptionCacheSize = 3 }), clock);
        for (var i = 0; i < 5; i++)
        {
            await inner.AddAsync(New($"sub-{i}", "order.created"), CancellationToken.None);
        }

        Assert.Equal(5, (await small.MatchingAsync(null, "order.created", CancellationToken.None)).Count);
        Assert.Equal(5, (await small.MatchingAsync(null, "order.created", CancellationToken.None)).Count);

        // "order.*" and "*" (empty, size 1 each) stay cached; the five-entry "order.created" (size 6) is read each time.
        Assert.Equal(LookupsPerMatch + 1, inner.IndexLookups);
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
        Assert.Equal(LookupsPerMatch, inner.IndexLookups);
    }

    [Fact]
    public async Task Readers_waiting_for_a_load_share_it_and_its_failure_and_the_next_read_loads_again()
    {
        var outage = new StoreOutage(inner);
        var shared = new CachingSubscriptionStore(outage, Microsoft.Extensions.Options.Options.Create(new DeliveryOptions { SubscriptionCacheDuration = CacheDuration }), clock);

        var readers = Enumerable.Range(0, 8).Select(_ => shared.MatchingAsync(null, "order.created", CancellationToken.None)).ToList();
        outage.Fail(new TimeoutException("storage does not answer"));
        var failures = await Task.WhenAll(readers.Select(reader => Assert.ThrowsAsync<TimeoutException>(() => reader)));

        Assert.Equal(LookupsPerMatch, outage.Loads);
        Assert.Single(failures.Distinct());
        outage.Heal();
        await inner.AddAsync(New("sub-1", "order.*"), CancellationToken.None);
        Assert.Single(await shared.MatchingAsync(null, "order.created", CancellationToken.None));
        Assert.Equal(2 * LookupsPerMatch, outage.Loads);
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
        Assert.Equal(LookupsPerMatch, outage.Loads);
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

    /// <summary>The store behind a gate: every index lookup waits for <see cref="Heal"/> or fails with <see cref="Fail"/>.</summary>
    private sealed class StoreOutage(ISubscriptionStore store) : ISubscriptionStore
    {
        private TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private int loads;

        public int Loads => loads;

        public void Fail(Exception fault)
        {
            gate.SetException(fault);
            gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Heal() => gate.TrySetResult();

        public async Task<IReadOnlyList<SubscriptionIndexEntry>> ListIndexedAsync(string? tenantId, string pattern, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref loads);
            await gate.Task;
            return await store.ListIndexedAsync(tenantId, pattern, cancellationToken);
        }

        public Task<Subscription> AddAsync(Subscription subscription, CancellationToken cancellationToken) => store.AddAsync(subscription, cancellationToken);

        public Task<Subscription?> GetAsync(string subscriptionId, CancellationToken cancellationToken) => store.GetAsync(subscriptionId, cancellationToken);

        public Task<WebhookFunctions.Engine.Common.Page<Subscription>> ListAsync(string? tenantId, int limit, string? continuationToken, CancellationToken cancellationToken) => store.ListAsync(tenantId, limit, continuationToken, cancellationToken);

        public Task<Subscription> ReplaceAsync(Subscription subscription, string ifMatch, CancellationToken cancellationToken) => store.ReplaceAsync(subscription, ifMatch, cancellationToken);

        public Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken) => store.DeleteAsync(subscriptionId, cancellationToken);
    }
}
