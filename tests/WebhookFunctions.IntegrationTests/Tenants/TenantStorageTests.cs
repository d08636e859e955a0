using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Tenants;

/// <summary>The tenant id in each table that keeps it: subscriptions, events and dead letters.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TenantStorageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private TestStorage storage = null!;

    public async Task InitializeAsync() => storage = await TestStorage.CreateAsync(azurite);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Subscriptions_keep_their_tenant_and_list_by_it_across_pages()
    {
        var store = new SubscriptionTableStore(storage.Tables, storage.Names);
        foreach (var (id, tenant) in new[] { ("sub-1", "t1"), ("sub-2", "t2"), ("sub-3", "t1"), ("sub-4", null), ("sub-5", "t1") })
        {
            await store.AddAsync(SubscriptionOf(id, tenant), CancellationToken.None);
        }

        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListAsync("t1", 2, token, CancellationToken.None);
            Assert.All(page.Items, s => Assert.Equal("t1", s.TenantId));
            ids.AddRange(page.Items.Select(s => s.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(["sub-1", "sub-3", "sub-5"], ids);
        Assert.Null((await store.GetAsync("sub-4", CancellationToken.None))!.TenantId);
    }

    [Fact]
    public async Task An_event_keeps_its_tenant()
    {
        var store = new EventTableStore(storage.Tables, storage.Blobs, storage.Names, storage.Schedule, RetentionPolicy.Default());
        await store.TryAddAsync(new WebhookEvent("evt-t", "order.created", Now, null, null, "{}"u8.ToArray(), null, TenantId: "t1"), CancellationToken.None);

        Assert.Equal("t1", (await store.GetAsync("evt-t", CancellationToken.None))!.TenantId);
    }

    [Fact]
    public async Task Dead_letters_keep_their_tenant_and_filter_and_replay_by_it()
    {
        var store = new DeadLetterTableStore(storage.Tables, storage.Names);
        await store.AddAsync(DeadLetterOf("evt-1", "t1"), CancellationToken.None);
        await store.AddAsync(DeadLetterOf("evt-2", "t2"), CancellationToken.None);
        await store.AddAsync(DeadLetterOf("evt-3", null), CancellationToken.None);
        await store.AddAsync(DeadLetterOf("evt-4", "t1") with { SubscriptionId = null, Stage = DeadLetterStage.FanOut }, CancellationToken.None);

        var listed = await store.ListAsync(new DeadLetterFilter(TenantId: "t1"), 10, null, CancellationToken.None);
        var requeued = new List<DeadLetter>();
        var replayed = await store.ReplayAsync(new DeadLetterFilter(TenantId: "t1"), dryRun: false, (d, _) => { requeued.Add(d); return Task.FromResult(true); }, CancellationToken.None);
        var left = await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None);

        Assert.Equal(["evt-1", "evt-4"], listed.Items.Select(d => d.EventId).Order(StringComparer.Ordinal));
        Assert.All(listed.Items, d => Assert.Equal("t1", d.TenantId));
        Assert.Equal(new ReplayCount(2, 2), replayed);
        Assert.All(requeued, d => Assert.Equal("t1", d.TenantId));
        Assert.Equal(["evt-2", "evt-3"], left.Items.Select(d => d.EventId).Order(StringComparer.Ordinal));
    }

    private static Subscription SubscriptionOf(string id, string? tenantId) => new()
    {
        Id = id,
        TenantId = tenantId,
        Url = new Uri("https://receiver.example/hooks"),
        EventTypes = ["order.*"],
        Secrets = [new SigningSecret("whsec_current", null)],
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    private static DeadLetter DeadLetterOf(string eventId, string? tenantId) =>
        new(eventId, "sub-a", "order.created", DeadLetterReason.MaxAttemptsExceeded, "gave up", 10, Now.AddDays(-1), Now, 503, null, null, TenantId: tenantId);
}
