using Azure.Data.Tables;
using WebhookFunctions.Engine.Subscriptions;
using ETag = Azure.ETag;

namespace WebhookFunctions.Storage.Tables.SubscriptionIndex;

/// <summary>
/// Keeps the index in step with the subscriptions. The index lives in other partitions than the subscription, so no
/// entity-group transaction can hold both; instead every write runs in a crash-safe order:
/// <list type="number">
/// <item>markers for every index partition the write may touch (the old and the new patterns), in one transaction;</item>
/// <item>the subscription write itself;</item>
/// <item>reconcile: each marked index entry is made to agree with the subscription as stored now, repeated until the
/// subscription did not change meanwhile, so concurrent writers of one subscription converge on its last version;</item>
/// <item>the markers are deleted.</item>
/// </list>
/// A process killed anywhere after step 1 leaves its markers; <see cref="RepairAsync"/> (at start-up and periodically)
/// reconciles what they name. Reconcile is idempotent, so repairing a write that had in fact finished does no harm.
/// </summary>
internal sealed class SubscriptionIndexWriter(TableClient table)
{
    private const int MaxBatch = 100;
    private const int MaxReconcilePasses = 5;

    /// <summary>Step 1: the markers, one transaction per 100.</summary>
    public async Task<IReadOnlyList<TableEntity>> MarkAsync(string subscriptionId, IEnumerable<string> indexPartitions, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        var markers = indexPartitions.Distinct(StringComparer.Ordinal).Select(partition => SubscriptionIndexLayout.PendingMarker(subscriptionId, partition, token)).ToList();
        foreach (var chunk in markers.Chunk(MaxBatch))
        {
            await table.SubmitTransactionAsync(chunk.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, m)), cancellationToken);
        }

        return markers;
    }

    /// <summary>Steps 3 and 4.</summary>
    public async Task CompleteAsync(string subscriptionId, IReadOnlyList<TableEntity> markers, CancellationToken cancellationToken)
    {
        await ReconcileAsync(subscriptionId, markers.Select(m => m.GetString(SubscriptionIndexLayout.IndexPartitionProperty)).ToHashSet(StringComparer.Ordinal), cancellationToken);
        await Task.WhenAll(markers.Select(m => table.DeleteEntityAsync(m.PartitionKey, m.RowKey, ETag.All, cancellationToken)));
    }

    /// <summary>Makes the entries of <paramref name="indexPartitions"/> agree with the stored subscription (absent: none).</summary>
    public async Task ReconcileAsync(string subscriptionId, IReadOnlySet<string> indexPartitions, CancellationToken cancellationToken)
    {
        var (subscription, etag) = await ReadAsync(subscriptionId, cancellationToken);
        for (var pass = 1; ; pass++)
        {
            var wanted = SubscriptionIndexLayout.PartitionsOf(subscription);
            await Task.WhenAll(indexPartitions.Select(partition => wanted.Contains(partition)
                ? table.UpsertEntityAsync(SubscriptionIndexLayout.IndexEntry(partition, subscription!), TableUpdateMode.Replace, cancellationToken)
                : table.DeleteEntityAsync(partition, subscriptionId, ETag.All, cancellationToken)));

            var (now, nowETag) = await ReadAsync(subscriptionId, cancellationToken);
            if (nowETag == etag)
            {
                return;
            }

            if (pass == MaxReconcilePasses)
            {
                // Written this often meanwhile: each of those writers reconciles too, and its markers cover it.
                throw new InvalidOperationException($"Subscription '{subscriptionId}' kept changing while its index was written; left to the repair.");
            }

            (subscription, etag) = (now, nowETag);
        }
    }

    /// <summary>
    /// Finishes every write whose markers are older than <paramref name="minimumAge"/> (younger ones may belong to
    /// writes still running, which finish themselves). Returns how many subscriptions were reconciled.
    /// </summary>
    public async Task<int> RepairAsync(TimeSpan minimumAge, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = now - minimumAge;
        var stale = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SubscriptionIndexLayout.PendingPartition} and Timestamp lt {cutoff}");
        await foreach (var marker in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            stale.Add(marker);
        }

        var bySubscription = stale.GroupBy(m => m.GetString(SubscriptionIndexLayout.SubscriptionIdProperty), StringComparer.Ordinal);
        var repaired = 0;
        foreach (var markers in bySubscription)
        {
            await ReconcileAsync(markers.Key, markers.Select(m => m.GetString(SubscriptionIndexLayout.IndexPartitionProperty)).ToHashSet(StringComparer.Ordinal), cancellationToken);
            await Task.WhenAll(markers.Select(m => table.DeleteEntityAsync(m.PartitionKey, m.RowKey, ETag.All, cancellationToken)));
            repaired++;
        }

        return repaired;
    }

    private async Task<(Subscription? Subscription, string? ETag)> ReadAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(SubscriptionEntityMapper.Partition, subscriptionId, cancellationToken: cancellationToken);
        return response.HasValue ? (SubscriptionEntityMapper.ToSubscription(response.Value!), response.Value!.ETag.ToString()) : (null, null);
    }
}
