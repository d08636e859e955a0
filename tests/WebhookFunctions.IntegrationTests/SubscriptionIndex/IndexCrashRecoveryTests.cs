using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;
using WebhookFunctions.Storage.Tables.SubscriptionIndex;

namespace WebhookFunctions.IntegrationTests.SubscriptionIndex;

/// <summary>
/// A process killed (kill -9) between a subscription write and its index write leaves exactly the table state built
/// here, write by write, with the writer's own steps: markers, then the subscription, then nothing. The repair that
/// every instance runs at start-up and every minute brings the index back in line.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class IndexCrashRecoveryTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestStorage storage = null!;
    private TableClient table = null!;
    private SubscriptionTableStore store = null!;
    private SubscriptionIndexWriter writer = null!;

    public async Task InitializeAsync()
    {
        storage = await TestStorage.CreateAsync(azurite);
        table = storage.Tables.GetTableClient(storage.Names.SubscriptionsTable);
        store = new SubscriptionTableStore(storage.Tables, storage.Names);
        writer = new SubscriptionIndexWriter(table);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_create_killed_after_the_subscription_write_is_indexed_by_the_repair()
    {
        var subscription = TableIndexPropertyTests.New("sub-crash", "t1", ["order.*", "invoice.paid"]);
        await writer.MarkAsync(subscription.Id, SubscriptionIndexLayout.PartitionsOf(subscription), CancellationToken.None);
        await table.AddEntityAsync(SubscriptionEntityMapper.ToEntity(subscription));
        // killed here

        Assert.Empty(await store.ListIndexedAsync("t1", "order.*", CancellationToken.None));
        await RepairAsAtStartupAsync();

        Assert.Equal(["sub-crash"], (await store.ListIndexedAsync("t1", "order.*", CancellationToken.None)).Select(e => e.SubscriptionId));
        await IndexState.AssertConsistentAsync(table);
    }

    [Fact]
    public async Task A_create_killed_before_the_subscription_write_leaves_no_entry_after_the_repair()
    {
        var subscription = TableIndexPropertyTests.New("sub-never", "t1", ["order.*"]);
        await writer.MarkAsync(subscription.Id, SubscriptionIndexLayout.PartitionsOf(subscription), CancellationToken.None);
        // killed here

        await RepairAsAtStartupAsync();

        Assert.Empty(await store.ListIndexedAsync("t1", "order.*", CancellationToken.None));
        await IndexState.AssertConsistentAsync(table);
    }

    [Fact]
    public async Task A_pattern_change_killed_after_the_subscription_write_stops_matching_the_old_pattern_after_the_repair()
    {
        var created = await store.AddAsync(TableIndexPropertyTests.New("sub-change", null, ["order.*"]), CancellationToken.None);
        var changed = created with { EventTypes = ["invoice.*"] };
        await writer.MarkAsync(created.Id, SubscriptionIndexLayout.PartitionsOf(created).Union(SubscriptionIndexLayout.PartitionsOf(changed)), CancellationToken.None);
        await table.UpdateEntityAsync(SubscriptionEntityMapper.ToEntity(changed), new Azure.ETag(created.ETag!), TableUpdateMode.Replace);
        // killed here: the old entry still lists it under "order.*", none under "invoice.*"

        Assert.Single(await store.ListIndexedAsync(null, "order.*", CancellationToken.None));
        await RepairAsAtStartupAsync();

        Assert.Empty(await store.ListIndexedAsync(null, "order.*", CancellationToken.None));
        Assert.Single(await store.ListIndexedAsync(null, "invoice.*", CancellationToken.None));
        await IndexState.AssertConsistentAsync(table);
    }

    [Fact]
    public async Task A_filter_change_killed_after_the_subscription_write_gives_the_entries_the_new_filter_after_the_repair()
    {
        var created = await store.AddAsync(TableIndexPropertyTests.New("sub-filter", "t1", ["order.*", "*"]) with { Filter = FilterSamples.Compile("""{"data.tag":"x"}""") }, CancellationToken.None);
        var changed = created with { Filter = FilterSamples.Compile("""{"data.n":{"$gt":2}}""") };
        await writer.MarkAsync(created.Id, SubscriptionIndexLayout.PartitionsOf(created), CancellationToken.None);
        await table.UpdateEntityAsync(SubscriptionEntityMapper.ToEntity(changed), new Azure.ETag(created.ETag!), TableUpdateMode.Replace);
        // killed here: the entries still carry the old filter

        Assert.Equal(created.Filter, Assert.Single(await store.ListIndexedAsync("t1", "order.*", CancellationToken.None)).Filter);
        await RepairAsAtStartupAsync();

        Assert.Equal(changed.Filter, Assert.Single(await store.ListIndexedAsync("t1", "order.*", CancellationToken.None)).Filter);
        Assert.Equal(changed.Filter, Assert.Single(await store.ListIndexedAsync("t1", "*", CancellationToken.None)).Filter);
        await IndexState.AssertConsistentAsync(table);
    }

    [Fact]
    public async Task A_filter_removed_through_the_store_leaves_entries_without_a_filter()
    {
        var created = await store.AddAsync(TableIndexPropertyTests.New("sub-unfilter", "t1", ["order.*"]) with { Filter = FilterSamples.Compile("""{"data.tag":"x"}""") }, CancellationToken.None);

        await store.ReplaceAsync(created with { Filter = null }, created.ETag!, CancellationToken.None);

        Assert.Equal([new SubscriptionIndexEntry("sub-unfilter", Enabled: true, Filter: null)], await store.ListIndexedAsync("t1", "order.*", CancellationToken.None));
        await IndexState.AssertConsistentAsync(table);
    }

    [Fact]
    public async Task A_delete_killed_after_the_subscription_delete_loses_its_entries_after_the_repair()
    {
        var created = await store.AddAsync(TableIndexPropertyTests.New("sub-gone", "t2", ["*"]), CancellationToken.None);
        await writer.MarkAsync(created.Id, SubscriptionIndexLayout.PartitionsOf(created), CancellationToken.None);
        await table.DeleteEntityAsync(SubscriptionEntityMapper.Partition, created.Id);
        // killed here

        await RepairAsAtStartupAsync();

        Assert.Empty(await store.ListIndexedAsync("t2", "*", CancellationToken.None));
        await IndexState.AssertConsistentAsync(table);
    }

    [Fact]
    public async Task The_periodic_repair_leaves_markers_of_writes_still_in_progress_alone()
    {
        var subscription = TableIndexPropertyTests.New("sub-slow", "t1", ["order.*"]);
        await writer.MarkAsync(subscription.Id, SubscriptionIndexLayout.PartitionsOf(subscription), CancellationToken.None);

        var repaired = await writer.RepairAsync(SubscriptionIndexMaintenance.MarkerGrace, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(0, repaired);
        Assert.Equal(1, await IndexState.PendingMarkersAsync(table));
    }

    [Fact]
    public async Task A_disabled_subscription_stays_in_the_index_marked_disabled()
    {
        var created = await store.AddAsync(TableIndexPropertyTests.New("sub-off", "t1", ["order.*"]), CancellationToken.None);

        await store.ReplaceAsync(created with { Status = SubscriptionStatus.Disabled, DisabledReason = DisabledReason.Manual }, created.ETag!, CancellationToken.None);

        Assert.Equal([new SubscriptionIndexEntry("sub-off", Enabled: false, Filter: null)], await store.ListIndexedAsync("t1", "order.*", CancellationToken.None));
        await IndexState.AssertConsistentAsync(table);
    }

    // The start-up repair runs after the markers' grace period; here the clock is moved on instead of waiting.
    private Task<int> RepairAsAtStartupAsync() =>
        writer.RepairAsync(SubscriptionIndexMaintenance.MarkerGrace, DateTimeOffset.UtcNow + SubscriptionIndexMaintenance.MarkerGrace + TimeSpan.FromSeconds(1), CancellationToken.None);
}
