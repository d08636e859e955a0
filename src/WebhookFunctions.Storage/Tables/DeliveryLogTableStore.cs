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
/// (<see cref="SoleRecipientEvents"/>). Writes are upserts, so a redelivered message recording the same attempt again
/// does not fail. An entry expires with its event (its EventAcceptedAt): reads hide it from then on, and the event's
/// expiry schedule row has the sweeper remove both copies. An entry of an unknown event (a job whose event had
/// expired) gets a schedule row of its own, and so does an event that left its row to the log.
/// </summary>
/// <remarks>
/// Concurrent appends to one partition (a busy subscription, a day's schedule rows) share transactions, and each
/// write waits <see cref="WriteLinger"/> for others to join it. Its callers, delivery jobs about to be settled, can
/// wait: the receiver already has the webhook.
/// </remarks>
internal sealed class DeliveryLogTableStore(TableServiceClient tables, StorageNames names, ExpirySchedule schedule, RetentionPolicy retention) : IDeliveryLog, IDisposable
{
    public static readonly TimeSpan WriteLinger = TimeSpan.FromMilliseconds(20);

    private readonly TableClient byEvent = tables.GetTableClient(names.DeliveryAttemptsTable);
    private readonly TableClient bySubscription = tables.GetTableClient(names.SubscriptionDeliveriesTable);
    private readonly PartitionBatchWriter byEventWriter = new(tables.GetTableClient(names.DeliveryAttemptsTable), WriteLinger);
    private readonly PartitionBatchWriter bySubscriptionWriter = new(tables.GetTableClient(names.SubscriptionDeliveriesTable), WriteLinger);

    /// <remarks>
    /// The schedule rows go beside the entries, not before them: a job is settled only after this returns, so a crash
    /// in between has the job logged again, rows and all.
    /// </remarks>
    public async Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        var unknownEvents = attempts
            .Where(a => a.EventAcceptedAt is null)
            .Select(a => ExpirySchedule.Entry(ExpiryKind.Event, a.At, a.EventId));
        var scheduleRows = unknownEvents.Concat(SoleRecipientEvents.ScheduleOf(attempts)).Distinct().ToList();

        var loggedAlone = attempts.Where(SoleRecipientEvents.IsLoggedBySubscriptionAlone).ToList();
        var loggedTwice = attempts.Where(a => !SoleRecipientEvents.IsLoggedBySubscriptionAlone(a)).ToList();
        var eventEntities = loggedTwice.Select(a => DeliveryAttemptEntityMapper.ToEntity(a, a.EventId, DeliveryAttemptEntityMapper.ByEventRowKey(a)));
        var subscriptionEntities = loggedTwice
            .Select(a => DeliveryAttemptEntityMapper.ToEntity(a, a.SubscriptionId, DeliveryAttemptEntityMapper.BySubscriptionRowKey(a)))
            .Concat(loggedAlone.Select(SoleRecipientEvents.ToEntity));
        await Task.WhenAll(
            scheduleRows.Count == 0 ? Task.CompletedTask : schedule.ScheduleWithDeliveryLogAsync(scheduleRows, cancellationToken),
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
        var soleRecipientAttempt = ReadLoggedBySubscriptionAloneAsync(webhookEvent, cancellationToken);
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

    private async Task<DeliveryAttempt?> ReadLoggedBySubscriptionAloneAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        if (SoleRecipientEvents.KeyOf(webhookEvent) is not { } key)
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
