using Azure.Data.Tables;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Every attempt written twice: by event (PK = event id) and by subscription (PK = subscription id, newest first).
/// Writes are upserts, so a redelivered message recording the same attempt again does not fail. Concurrent appends to
/// one partition (a busy subscription) share transactions.
/// </summary>
internal sealed class DeliveryLogTableStore(TableServiceClient tables, StorageNames names) : IDeliveryLog, IDisposable
{
    private readonly TableClient byEvent = tables.GetTableClient(names.DeliveryAttemptsTable);
    private readonly TableClient bySubscription = tables.GetTableClient(names.SubscriptionDeliveriesTable);
    private readonly PartitionBatchWriter byEventWriter = new(tables.GetTableClient(names.DeliveryAttemptsTable));
    private readonly PartitionBatchWriter bySubscriptionWriter = new(tables.GetTableClient(names.SubscriptionDeliveriesTable));

    public async Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        var eventEntities = attempts.Select(a => DeliveryAttemptEntityMapper.ToEntity(a, a.EventId, DeliveryAttemptEntityMapper.ByEventRowKey(a)));
        var subscriptionEntities = attempts.Select(a => DeliveryAttemptEntityMapper.ToEntity(a, a.SubscriptionId, DeliveryAttemptEntityMapper.BySubscriptionRowKey(a)));
        await Task.WhenAll(
            byEventWriter.UpsertAsync(eventEntities, cancellationToken),
            bySubscriptionWriter.UpsertAsync(subscriptionEntities, cancellationToken));
    }

    public void Dispose()
    {
        byEventWriter.Dispose();
        bySubscriptionWriter.Dispose();
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
}
