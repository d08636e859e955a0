using Azure.Data.Tables;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Storage.Retention;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Every attempt written twice: by event (PK = event id) and by subscription (PK = subscription id, newest first).
/// Writes are upserts, so a redelivered message recording the same attempt again does not fail. Concurrent appends to
/// one partition (a busy subscription) share transactions. An entry expires with its event (its EventAcceptedAt):
/// reads hide it from then on, and the event's expiry schedule row has the sweeper remove both copies. An entry of an
/// unknown event (a job whose event had expired) gets a schedule row of its own.
/// </summary>
internal sealed class DeliveryLogTableStore(TableServiceClient tables, StorageNames names, ExpirySchedule schedule, RetentionPolicy retention) : IDeliveryLog, IDisposable
{
    private readonly TableClient byEvent = tables.GetTableClient(names.DeliveryAttemptsTable);
    private readonly TableClient bySubscription = tables.GetTableClient(names.SubscriptionDeliveriesTable);
    private readonly PartitionBatchWriter byEventWriter = new(tables.GetTableClient(names.DeliveryAttemptsTable));
    private readonly PartitionBatchWriter bySubscriptionWriter = new(tables.GetTableClient(names.SubscriptionDeliveriesTable));

    public async Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        foreach (var unscheduled in attempts.Where(a => a.EventAcceptedAt is null).DistinctBy(a => (a.EventId, DateOnly.FromDateTime(a.At.UtcDateTime))))
        {
            await schedule.ScheduleAsync(ExpiryKind.Event, unscheduled.At, unscheduled.EventId, cancellationToken);
        }

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
            if (!retention.IsEventExpired(DeliveryAttemptEntityMapper.EventAcceptedAt(entity)))
            {
                attempts.Add(DeliveryAttemptEntityMapper.ToAttempt(entity));
            }
        }

        return attempts;
    }

    /// <summary>A page may hold fewer than <paramref name="limit"/> items where expired entries await the sweeper.</summary>
    public async Task<Page<DeliveryAttempt>> ListForSubscriptionAsync(string subscriptionId, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        var page = await TablePaging.ReadPageAsync(
            bySubscription,
            TableClient.CreateQueryFilter($"PartitionKey eq {subscriptionId}"),
            limit,
            "deliveries:" + subscriptionId,
            continuationToken,
            DeliveryAttemptEntityMapper.ToAttempt,
            cancellationToken);
        return page with { Items = page.Items.Where(a => !retention.IsEventExpired(a.EventAcceptedAt)).ToList() };
    }
}
