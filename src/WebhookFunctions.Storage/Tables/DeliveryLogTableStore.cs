using Azure.Data.Tables;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Every attempt written twice: by event (PK = event id) and by subscription (PK = subscription id, newest first).
/// Writes are upserts, so a redelivered message recording the same attempt again does not fail.
/// </summary>
internal sealed class DeliveryLogTableStore(TableServiceClient tables, StorageNames names) : IDeliveryLog
{
    private const int MaxBatchSize = 100;
    private readonly TableClient byEvent = tables.GetTableClient(names.DeliveryAttemptsTable);
    private readonly TableClient bySubscription = tables.GetTableClient(names.SubscriptionDeliveriesTable);

    public async Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        var eventEntities = attempts.Select(a => DeliveryAttemptEntityMapper.ToEntity(a, a.EventId, DeliveryAttemptEntityMapper.ByEventRowKey(a)));
        var subscriptionEntities = attempts.Select(a => DeliveryAttemptEntityMapper.ToEntity(a, a.SubscriptionId, DeliveryAttemptEntityMapper.BySubscriptionRowKey(a)));
        await UpsertInBatchesAsync(byEvent, eventEntities, cancellationToken);
        await UpsertInBatchesAsync(bySubscription, subscriptionEntities, cancellationToken);
    }

    public async Task<IReadOnlyList<DeliveryAttempt>> ListForEventAsync(string eventId, CancellationToken cancellationToken)
    {
        var attempts = new List<DeliveryAttempt>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {eventId}");
        await foreach (var entity in byEvent.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            attempts.Add(DeliveryAttemptEntityMapper.ToAttempt(entity));
        }

        return attempts;
    }

    public Task<Page<DeliveryAttempt>> ListForSubscriptionAsync(string subscriptionId, int limit, string? continuationToken, CancellationToken cancellationToken) =>
        TablePaging.ReadPageAsync(
            bySubscription,
            TableClient.CreateQueryFilter($"PartitionKey eq {subscriptionId}"),
            limit,
            "deliveries:" + subscriptionId,
            continuationToken,
            DeliveryAttemptEntityMapper.ToAttempt,
            cancellationToken);

    private static async Task UpsertInBatchesAsync(TableClient table, IEnumerable<TableEntity> entities, CancellationToken cancellationToken)
    {
        // A transaction holds one partition and each entity once (the last write of a key wins).
        var partitions = entities
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .Select(p => p.GroupBy(e => e.RowKey, StringComparer.Ordinal).Select(r => r.Last()));
        foreach (var partition in partitions)
        {
            foreach (var chunk in partition.Chunk(MaxBatchSize))
            {
                var actions = chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e));
                await table.SubmitTransactionAsync(actions, cancellationToken);
            }
        }
    }
}
