using Azure.Data.Tables;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Storage.Retention;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Every attempt written twice: by event (PK = event id) and by subscription (PK = subscription id, newest first),
/// except a prompt first attempt at an event's sole recipient, written by subscription alone
/// (<see cref="SoleRecipientFirstAttempt"/>). Writes are upserts, so a redelivered message recording the same attempt again does not fail. Concurrent appends to
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

        var loggedTwice = attempts.Where(a => !SoleRecipientFirstAttempt.Applies(a)).ToList();
        var eventEntities = loggedTwice.Select(a => DeliveryAttemptEntityMapper.ToEntity(a, a.EventId, DeliveryAttemptEntityMapper.ByEventRowKey(a)));
        var subscriptionEntities = loggedTwice
            .Select(a => DeliveryAttemptEntityMapper.ToEntity(a, a.SubscriptionId, DeliveryAttemptEntityMapper.BySubscriptionRowKey(a)))
            .Concat(attempts.Where(SoleRecipientFirstAttempt.Applies).Select(SoleRecipientFirstAttempt.ToEntity));
        await Task.WhenAll(
            loggedTwice.Count == 0 ? Task.CompletedTask : byEventWriter.UpsertAsync(eventEntities, cancellationToken),
            bySubscriptionWriter.UpsertAsync(subscriptionEntities, cancellationToken));
    }

    public void Dispose()
    {
        byEventWriter.Dispose();
        bySubscriptionWriter.Dispose();
    }

    /// <summary>By subscription, then attempt.</summary>
    public async Task<IReadOnlyList<DeliveryAttempt>> ListForEventAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var soleRecipientAttempt = ReadSoleRecipientFirstAttemptAsync(webhookEvent, cancellationToken);
        var attempts = new List<DeliveryAttempt>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {webhookEvent.Id}");
        await foreach (var entity in byEvent.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            attempts.Add(DeliveryAttemptEntityMapper.ToAttempt(entity));
        }

        if (await soleRecipientAttempt is { } first)
        {
            attempts.Add(first);
        }

        return attempts
            .Where(a => !retention.IsEventExpired(a.EventAcceptedAt))
            .OrderBy(a => a.SubscriptionId, StringComparer.Ordinal)
            .ThenBy(a => a.Attempt)
            .ThenBy(a => a.At)
            .ToList();
    }

    private async Task<DeliveryAttempt?> ReadSoleRecipientFirstAttemptAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        if (SoleRecipientFirstAttempt.KeyOf(webhookEvent) is not { } key)
        {
            return null;
        }

        var entity = await bySubscription.GetEntityIfExistsAsync<TableEntity>(key.PartitionKey, key.RowKey, cancellationToken: cancellationToken);
        return entity.HasValue ? DeliveryAttemptEntityMapper.ToAttempt(entity.Value!) : null;
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
