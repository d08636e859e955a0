using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;
using WebhookFunctions.Storage.Tables.SubscriptionIndex;

namespace WebhookFunctions.IntegrationTests.SubscriptionIndex;

/// <summary>
/// From a subscriptions table as layout 1 wrote it (subscriptions only, no index, no version), and as layout 2 wrote it
/// (index entries without the payload filter), to the current layout.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LayoutMigrationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Three_instances_starting_on_the_old_layout_build_the_index_once_over_and_record_the_version()
    {
        var written = 250;
        var (storage, table) = await LayoutOneTableAsync(written);
        var logs = new FakeLogCollector();
        var logger = new FakeLogger(logs);

        var reports = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => new SubscriptionIndexMigration(table, TimeProvider.System, logger).MigrateAsync(CancellationToken.None))));

        await IndexState.AssertConsistentAsync(table);
        Assert.Equal(3, await new SubscriptionIndexMigration(table, TimeProvider.System, logger).ReadVersionAsync(CancellationToken.None));
        Assert.Contains(reports, r => r is { FromVersion: 1, ToVersion: 3 } && r.Subscriptions == written);
        Assert.Contains(logs.GetSnapshot(), record => record.Level == LogLevel.Warning && record.Message.Contains($"read {written} subscriptions", StringComparison.Ordinal));
        var store = new SubscriptionTableStore(storage.Tables, storage.Names);
        var orders = await store.ListIndexedAsync(null, "order.*", CancellationToken.None);
        Assert.Equal(written, orders.Count);
        Assert.Equal(Enumerable.Range(0, written).Count(i => i % 7 == 0), orders.Count(e => !e.Enabled));

        var again = await new SubscriptionIndexMigration(table, TimeProvider.System, logger).MigrateAsync(CancellationToken.None);
        Assert.Equal((3, 3, 0), (again.FromVersion, again.ToVersion, again.Subscriptions));
    }

    [Fact]
    public async Task A_new_empty_table_records_the_layout_without_a_warning()
    {
        var (_, table) = await LayoutOneTableAsync(subscriptions: 0);
        var logs = new FakeLogCollector();

        var report = await new SubscriptionIndexMigration(table, TimeProvider.System, new FakeLogger(logs)).MigrateAsync(CancellationToken.None);

        Assert.Equal((1, 3, 0), (report.FromVersion, report.ToVersion, report.Subscriptions));
        Assert.Equal(3, await new SubscriptionIndexMigration(table, TimeProvider.System, new FakeLogger()).ReadVersionAsync(CancellationToken.None));
        Assert.DoesNotContain(logs.GetSnapshot(), record => record.Level >= LogLevel.Warning);
        Assert.Contains(logs.GetSnapshot(), record => record.Message.Contains("holds no subscriptions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Subscriptions_an_older_instance_writes_between_the_two_reads_are_reconciled()
    {
        var (storage, plain) = await LayoutOneTableAsync(subscriptions: 30);
        var olderInstance = new BeforeSecondRead(async () =>
        {
            await plain.DeleteEntityAsync("subscription", "old-0003");
            var repatterned = (await plain.GetEntityAsync<TableEntity>("subscription", "old-0004")).Value;
            repatterned["EventTypes"] = """["invoice.*"]""";
            await plain.UpdateEntityAsync(repatterned, repatterned.ETag, TableUpdateMode.Replace);
            await WriteAsLayoutOneAsync(plain, count: 1, first: 9000);
        });
        var options = new TableClientOptions();
        options.AddPolicy(olderInstance, Azure.Core.HttpPipelinePosition.PerCall);
        var table = new TableClient(azurite.ConnectionString, storage.Names.SubscriptionsTable, options);

        var report = await new SubscriptionIndexMigration(table, TimeProvider.System, new FakeLogger()).MigrateAsync(CancellationToken.None);

        Assert.True(olderInstance.Fired);
        Assert.Equal((30, 3), (report.Subscriptions, report.ReconciledAfterChange));
        await IndexState.AssertConsistentAsync(plain);
        var store = new SubscriptionTableStore(storage.Tables, storage.Names);
        var orders = (await store.ListIndexedAsync(null, "order.*", CancellationToken.None)).Select(e => e.SubscriptionId).ToList();
        Assert.DoesNotContain("old-0003", orders);
        Assert.DoesNotContain("old-0004", orders);
        Assert.Contains("old-9000", orders);
        Assert.Equal(["old-0004"], (await store.ListIndexedAsync(null, "invoice.*", CancellationToken.None)).Select(e => e.SubscriptionId));
    }

    [Fact]
    public async Task Fan_out_on_a_migrated_table_finds_the_old_subscriptions()
    {
        var (storage, table) = await LayoutOneTableAsync(subscriptions: 10);

        await new SubscriptionIndexMigration(table, TimeProvider.System, new FakeLogger()).MigrateAsync(CancellationToken.None);

        var store = new SubscriptionTableStore(storage.Tables, storage.Names);
        using var engine = new CachingSubscriptionStore(store, Microsoft.Extensions.Options.Options.Create(new WebhookFunctions.Engine.Delivery.DeliveryOptions()), TimeProvider.System);
        var matching = await engine.MatchingAsync(null, "invoice.paid", CancellationToken.None);
        // old-0000 lists invoice.paid too, but is disabled: indexed, marked, and not a fan-out target.
        Assert.Equal(["old-0005"], matching.Select(entry => entry.SubscriptionId));
    }

    [Fact]
    public async Task Three_instances_starting_on_layout_two_put_the_filters_on_the_index_entries()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        var table = storage.Tables.GetTableClient(storage.Names.SubscriptionsTable);
        var subscriptions = await WriteAsLayoutTwoAsync(table, count: 120);
        Assert.NotEqual(await IndexState.ExpectedAsync(table), await IndexState.EntriesAsync(table));
        var logger = new FakeLogger();

        var reports = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => new SubscriptionIndexMigration(table, TimeProvider.System, logger).MigrateAsync(CancellationToken.None))));

        await IndexState.AssertConsistentAsync(table);
        Assert.Equal(3, await new SubscriptionIndexMigration(table, TimeProvider.System, logger).ReadVersionAsync(CancellationToken.None));
        // Only the entries of filtered subscriptions are rewritten; the others were already right.
        var filteredEntries = subscriptions.Where(s => s.Filter is not null).Sum(s => s.EventTypes.Count);
        Assert.Contains(reports, r => r is { FromVersion: 2, ToVersion: 3 } && r.Subscriptions == subscriptions.Count && r.IndexEntries == filteredEntries);

        var store = new SubscriptionTableStore(storage.Tables, storage.Names);
        using var engine = new CachingSubscriptionStore(store, Microsoft.Extensions.Options.Options.Create(new WebhookFunctions.Engine.Delivery.DeliveryOptions()), TimeProvider.System);
        var matching = await engine.MatchingAsync("t1", "order.created", CancellationToken.None);
        var expected = subscriptions.Where(s => s.TenantId == "t1" && s.Status == SubscriptionStatus.Enabled).ToDictionary(s => s.Id, s => s.Filter?.Json);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), matching.ToDictionary(e => e.SubscriptionId, e => e.Filter?.Json).OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    /// <summary>
    /// A subscriptions table as layout 1 left it, holding <paramref name="subscriptions"/>. TestStorage initialises the
    /// table at the current layout; this takes it back to nothing but subscriptions.
    /// </summary>
    private async Task<(TestStorage Storage, TableClient Table)> LayoutOneTableAsync(int subscriptions)
    {
        var storage = await TestStorage.CreateAsync(azurite);
        var table = storage.Tables.GetTableClient(storage.Names.SubscriptionsTable);
        await table.DeleteEntityAsync(SubscriptionIndexLayout.LayoutPartition, SubscriptionIndexLayout.LayoutRowKey);
        await WriteAsLayoutOneAsync(table, subscriptions);
        return (storage, table);
    }

    /// <summary>
    /// Subscriptions and their index as layout 2's store wrote them: the subscription entity as today (its Filter
    /// column included), index entries with <c>Enabled</c> only, and the version 2. A third of them have a filter.
    /// </summary>
    private static async Task<List<Subscription>> WriteAsLayoutTwoAsync(TableClient table, int count)
    {
        var subscriptions = Enumerable.Range(0, count)
            .Select(i => TableIndexPropertyTests.New($"v2-{i:D4}", i % 2 == 0 ? "t1" : "t2", i % 4 == 0 ? ["order.created", "order.*"] : ["order.*"], enabled: i % 5 != 0)
                with { Filter = i % 3 == 0 ? FilterSamples.Compile("{\"data.n\":{\"$gt\":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}") : null })
            .ToList();
        foreach (var subscription in subscriptions)
        {
            await table.AddEntityAsync(SubscriptionEntityMapper.ToEntity(subscription));
            foreach (var partition in SubscriptionIndexLayout.PartitionsOf(subscription))
            {
                await table.UpsertEntityAsync(new TableEntity(partition, subscription.Id) { ["Enabled"] = subscription.Status == SubscriptionStatus.Enabled }, TableUpdateMode.Replace);
            }
        }

        await table.UpsertEntityAsync(new TableEntity(SubscriptionIndexLayout.LayoutPartition, SubscriptionIndexLayout.LayoutRowKey) { ["Version"] = 2 }, TableUpdateMode.Replace);
        return subscriptions;
    }

    /// <summary>
    /// Entities exactly as layout 1's store wrote them: partition "subscription", the id as row key, the same
    /// properties, no TenantId (layout 1 had no tenants).
    /// </summary>
    private static async Task WriteAsLayoutOneAsync(TableClient table, int count, int first = 0)
    {
        for (var i = first; i < first + count; i++)
        {
            var entity = new TableEntity("subscription", $"old-{i:D4}")
            {
                ["Url"] = "https://receiver.example/hooks",
                ["EventTypes"] = i % 5 == 0 ? """["order.*","invoice.paid"]""" : """["order.*"]""",
                ["Headers"] = "{}",
                ["Status"] = i % 7 == 0 ? "Disabled" : "Enabled",
                ["DisabledReason"] = i % 7 == 0 ? "Manual" : null,
                ["Secrets"] = """[{"value":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw","expiresAt":null}]""",
                ["CreatedAt"] = DateTimeOffset.UnixEpoch,
                ["UpdatedAt"] = DateTimeOffset.UnixEpoch,
            };
            await table.AddEntityAsync(entity);
        }
    }

    /// <summary>Runs a write just before the migration's second query of the subscriptions, as an older instance still running might.</summary>
    private sealed class BeforeSecondRead(Func<Task> write) : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private int queries;

        public bool Fired { get; private set; }

        public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            var query = Uri.UnescapeDataString(message.Request.Uri.Query);
            if (query.Contains("PartitionKey eq 'subscription'", StringComparison.Ordinal) && Interlocked.Increment(ref queries) == 2)
            {
                await write();
                Fired = true;
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The migration calls the asynchronous API only.");
    }
}
