using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;
using WebhookFunctions.Storage.Tables.SubscriptionIndex;

namespace WebhookFunctions.IntegrationTests.SubscriptionIndex;

/// <summary>From a subscriptions table as layout 1 wrote it (subscriptions only, no index, no version) to layout 2.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LayoutMigrationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Three_instances_starting_on_the_old_layout_build_the_index_once_over_and_record_the_version()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        var table = storage.Tables.GetTableClient(storage.Names.SubscriptionsTable);
        await ResetToLayoutOneAsync(table);
        var written = await WriteAsLayoutOneAsync(table, count: 250);
        var logs = new FakeLogCollector();
        var logger = new FakeLogger(logs);

        var reports = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => new SubscriptionIndexMigration(table, TimeProvider.System, logger).MigrateAsync(CancellationToken.None))));

        await IndexState.AssertConsistentAsync(table);
        Assert.Equal(2, await new SubscriptionIndexMigration(table, TimeProvider.System, logger).ReadVersionAsync(CancellationToken.None));
        Assert.Contains(reports, r => r is { FromVersion: 1, ToVersion: 2 } && r.Subscriptions == written);
        Assert.Contains(logs.GetSnapshot(), record => record.Level == LogLevel.Warning && record.Message.Contains($"indexed {written} subscriptions", StringComparison.Ordinal));
        var store = new SubscriptionTableStore(storage.Tables, storage.Names);
        var orders = await store.ListIndexedAsync(null, "order.*", CancellationToken.None);
        Assert.Equal(written, orders.Count);
        Assert.Equal(Enumerable.Range(0, written).Count(i => i % 7 == 0), orders.Count(e => !e.Enabled));

        var again = await new SubscriptionIndexMigration(table, TimeProvider.System, logger).MigrateAsync(CancellationToken.None);
        Assert.Equal((2, 2, 0), (again.FromVersion, again.ToVersion, again.Subscriptions));
    }

    [Fact]
    public async Task Fan_out_on_a_migrated_table_finds_the_old_subscriptions()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        var table = storage.Tables.GetTableClient(storage.Names.SubscriptionsTable);
        await ResetToLayoutOneAsync(table);
        await WriteAsLayoutOneAsync(table, count: 10);

        await new SubscriptionIndexMigration(table, TimeProvider.System, new FakeLogger()).MigrateAsync(CancellationToken.None);

        var store = new SubscriptionTableStore(storage.Tables, storage.Names);
        using var engine = new CachingSubscriptionStore(store, Microsoft.Extensions.Options.Options.Create(new WebhookFunctions.Engine.Delivery.DeliveryOptions()), TimeProvider.System);
        var matching = await engine.MatchingAsync(null, "invoice.paid", CancellationToken.None);
        // old-0000 lists invoice.paid too, but is disabled: indexed, marked, and not a fan-out target.
        Assert.Equal(["old-0005"], matching);
    }

    /// <summary>TestStorage initialises the table at the current layout; take it back to what layout 1 had: nothing but subscriptions.</summary>
    private static async Task ResetToLayoutOneAsync(TableClient table) =>
        await table.DeleteEntityAsync(SubscriptionIndexLayout.LayoutPartition, SubscriptionIndexLayout.LayoutRowKey);

    /// <summary>
    /// Entities exactly as layout 1's store wrote them: partition "subscription", the id as row key, the same
    /// properties, no TenantId (layout 1 had no tenants).
    /// </summary>
    private static async Task<int> WriteAsLayoutOneAsync(TableClient table, int count)
    {
        for (var i = 0; i < count; i++)
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

        return count;
    }
}
