using Azure.Data.Tables;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Storage.Tables;
using WebhookFunctions.Storage.Tables.SubscriptionIndex;

namespace WebhookFunctions.IntegrationTests.SubscriptionIndex;

/// <summary>The subscriptions table read raw: what the index holds against what the subscriptions say it should.</summary>
internal static class IndexState
{
    /// <summary>Every index entry as (partition, subscription id, enabled, the filter's JSON or null).</summary>
    public static async Task<List<(string Partition, string Id, bool Enabled, string? Filter)>> EntriesAsync(TableClient table)
    {
        var entries = new List<(string, string, bool, string?)>();
        await foreach (var entity in table.QueryAsync<TableEntity>("PartitionKey ge 'ix|' and PartitionKey lt 'ix}'"))
        {
            entries.Add((entity.PartitionKey, entity.RowKey, entity.GetBoolean("Enabled") ?? true, entity.GetString("Filter")));
        }

        return entries.Order().ToList();
    }

    /// <summary>The entries the stored subscriptions call for.</summary>
    public static async Task<List<(string Partition, string Id, bool Enabled, string? Filter)>> ExpectedAsync(TableClient table)
    {
        var expected = new List<(string, string, bool, string?)>();
        await foreach (var entity in table.QueryAsync<TableEntity>($"PartitionKey eq '{SubscriptionEntityMapper.Partition}'"))
        {
            var subscription = SubscriptionEntityMapper.ToSubscription(entity);
            expected.AddRange(SubscriptionIndexLayout.PartitionsOf(subscription).Select(p => (p, subscription.Id, subscription.Status == SubscriptionStatus.Enabled, subscription.Filter?.Json)));
        }

        return expected.Order().ToList();
    }

    public static async Task<int> PendingMarkersAsync(TableClient table)
    {
        var count = 0;
        await foreach (var unused in table.QueryAsync<TableEntity>($"PartitionKey eq '{SubscriptionIndexLayout.PendingPartition}'"))
        {
            count++;
        }

        return count;
    }

    public static async Task AssertConsistentAsync(TableClient table)
    {
        Assert.Equal(await ExpectedAsync(table), await EntriesAsync(table));
        Assert.Equal(0, await PendingMarkersAsync(table));
    }
}
