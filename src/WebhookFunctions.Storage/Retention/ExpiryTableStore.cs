using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.Storage.Retention;

/// <summary>
/// Removes what the expiry schedule names, each piece only if it is older than the cutoff (a reused event id or a
/// renewed idempotency key is younger and stays). Per page of events, in this order: the by-subscription copies of
/// the expired log entries (their keys come from the by-event rows, and from the event row for the one entry logged
/// by subscription alone, <see cref="SoleRecipientEvents"/>), the by-event rows, the payload blob, the event
/// row. A run stopped anywhere leaves the rows that the remaining copies' keys come from, so the next run derives them again.
/// Idempotency records and dead letters are single rows, each deleted under the ETag it was read with.
/// </summary>
internal sealed class ExpiryTableStore(TableServiceClient tables, BlobServiceClient blobs, StorageNames names, ExpirySchedule schedule) : IExpiryStore
{
    private const int ParallelReads = 8;
    private readonly TableClient events = tables.GetTableClient(names.EventsTable);
    private readonly TableClient byEvent = tables.GetTableClient(names.DeliveryAttemptsTable);
    private readonly TableClient bySubscription = tables.GetTableClient(names.SubscriptionDeliveriesTable);
    private readonly TableClient idempotency = tables.GetTableClient(names.IdempotencyTable);
    private readonly TableClient poison = tables.GetTableClient(names.PoisonMessagesTable);
    private readonly TableClient deadLetters = tables.GetTableClient(names.DeadLettersTable);
    private readonly BlobContainerClient payloads = blobs.GetBlobContainerClient(names.EventPayloadsContainer);
    private readonly ScheduleBackfill backfill = new(tables, names, schedule);

    public Task<IReadOnlyList<ExpiryEntry>> ListDueAsync(ExpiryKind kind, DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        schedule.ListDueAsync(kind, cutoff, limit, cancellationToken);

    public Task CompleteAsync(IReadOnlyList<ExpiryEntry> entries, CancellationToken cancellationToken) =>
        schedule.CompleteAsync(entries, cancellationToken);

    public async Task<RemovedRecords> RemoveExpiredAsync(IReadOnlyList<ExpiryEntry> entries, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var eventIds = entries.Where(e => e.Kind == ExpiryKind.Event).Select(e => e.Key).Distinct(StringComparer.Ordinal).ToList();
        var keyHashes = entries.Where(e => e.Kind == ExpiryKind.IdempotencyKey).Select(e => e.Key).Distinct(StringComparer.Ordinal).ToList();
        var deadLetterKeys = entries.Where(e => e.Kind == ExpiryKind.DeadLetter).Select(e => e.Key).Distinct(StringComparer.Ordinal).ToList();
        var removed = new RemovedRecords();
        if (eventIds.Count > 0)
        {
            removed += await RemoveEventsAsync(eventIds, cutoff, cancellationToken);
        }

        if (keyHashes.Count > 0)
        {
            removed += new RemovedRecords(IdempotencyRecords: await RemoveIdempotencyRecordsAsync(keyHashes, cutoff, cancellationToken));
        }

        if (deadLetterKeys.Count > 0)
        {
            removed += new RemovedRecords(DeadLetters: await RemoveDeadLettersAsync(deadLetterKeys, cutoff, cancellationToken));
        }

        return removed;
    }

    public Task<BackfillStep> BackfillPageAsync(BackfillSource source, int limit, CancellationToken cancellationToken) =>
        backfill.NextPageAsync(source, limit, cancellationToken);

    public Task RestartBackfillAsync(BackfillSource source, CancellationToken cancellationToken) =>
        backfill.RestartAsync(source, cancellationToken);

    public async Task<long> RemovePoisonMessagesAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken)
    {
        // Poison rows are keyed newest first (inverted ticks), so those older than the cutoff are the tail of each
        // queue's partition: one range query, whatever the younger rows.
        var olderThan = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - cutoff.UtcTicks:D19}");
        long removed = 0;
        foreach (var queueName in names.TransportQueues)
        {
            var keys = new List<(string, string)>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {queueName} and RowKey gt {olderThan}");
            try
            {
                await foreach (var entity in poison.QueryAsync<TableEntity>(filter, Math.Min(limit, 1000), ["PartitionKey", "RowKey"], cancellationToken))
                {
                    keys.Add((entity.PartitionKey, entity.RowKey));
                    if (removed + keys.Count >= limit)
                    {
                        break;
                    }
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return 0; // No queue transport here (the Functions app), so no poison table.
            }

            removed += await PartitionDeleter.DeleteAsync(poison, keys, cancellationToken);
            if (removed >= limit)
            {
                break;
            }
        }

        return removed;
    }

    private async Task<RemovedRecords> RemoveEventsAsync(List<string> eventIds, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var found = new ConcurrentBag<(TableEntity? Event, List<TableEntity> ExpiredLog)>();
        await Parallel.ForEachAsync(
            eventIds,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (eventId, token) =>
            {
                var stored = await events.GetEntityIfExistsAsync<TableEntity>(eventId, EventTableStore.RowKey, cancellationToken: token);
                var expiredEvent = stored.HasValue && EventTableStore.AcceptedAt(stored.Value!) < cutoff ? stored.Value : null;
                var expiredLog = new List<TableEntity>();
                await foreach (var row in byEvent.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {eventId}"), 1000, cancellationToken: token))
                {
                    if (DeliveryAttemptEntityMapper.EventAcceptedAt(row) < cutoff)
                    {
                        expiredLog.Add(row);
                    }
                }

                found.Add((expiredEvent, expiredLog));
            });

        var expiredLogRows = found.SelectMany(f => f.ExpiredLog).ToList();
        var loggedBySubscriptionAlone = found.Select(f => f.Event).OfType<TableEntity>().Select(SoleRecipientEvents.KeyOf).OfType<(string, string)>();
        var logEntries = await PartitionDeleter.DeleteAsync(bySubscription, loggedBySubscriptionAlone, cancellationToken);
        await PartitionDeleter.DeleteAsync(bySubscription, expiredLogRows.Select(DeliveryAttemptEntityMapper.BySubscriptionKey), cancellationToken);
        logEntries += await PartitionDeleter.DeleteAsync(byEvent, expiredLogRows.Select(r => (r.PartitionKey, r.RowKey)), cancellationToken);

        long eventsRemoved = 0;
        await Parallel.ForEachAsync(
            found.Select(f => f.Event).OfType<TableEntity>(),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (expired, token) =>
            {
                if (await DeleteEventAsync(expired, token))
                {
                    Interlocked.Increment(ref eventsRemoved);
                }
            });

        return new RemovedRecords(Events: eventsRemoved, DeliveryLogEntries: logEntries);
    }

    /// <summary>The payload first, then the row, under the ETag read: an event stored again under its id meanwhile stays.</summary>
    private async Task<bool> DeleteEventAsync(TableEntity expired, CancellationToken cancellationToken)
    {
        if (expired.GetString("DataBlob") is { } blobName)
        {
            await payloads.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }

        try
        {
            var response = await events.DeleteEntityAsync(expired.PartitionKey, expired.RowKey, expired.ETag, cancellationToken);
            return response.Status != 404;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Under the ETag read: a key renewed by a publish meanwhile stays.</summary>
    private Task<long> RemoveIdempotencyRecordsAsync(List<string> keyHashes, DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        RemoveSingleRowsAsync(
            idempotency,
            keyHashes.Select(keyHash => (keyHash, IdempotencyTableStore.RowKey)),
            record => record.GetDateTimeOffset("CreatedAt") is { } createdAt && createdAt < cutoff,
            cancellationToken);

    /// <summary>Under the ETag read: a delivery dead-lettered again meanwhile (replayed, failed again) stays.</summary>
    private Task<long> RemoveDeadLettersAsync(List<string> scheduleKeys, DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        RemoveSingleRowsAsync(
            deadLetters,
            scheduleKeys.Select(DeadLetterEntityMapper.FromScheduleKey),
            deadLetter => DeadLetterEntityMapper.DeadLetteredAt(deadLetter) < cutoff,
            cancellationToken);

    /// <summary>Reads each row and deletes it under that ETag if it is <paramref name="expired"/>; the count deleted.</summary>
    private static async Task<long> RemoveSingleRowsAsync(TableClient table, IEnumerable<(string PartitionKey, string RowKey)> keys, Func<TableEntity, bool> expired, CancellationToken cancellationToken)
    {
        long removed = 0;
        await Parallel.ForEachAsync(
            keys,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (key, token) =>
            {
                var record = await table.GetEntityIfExistsAsync<TableEntity>(key.PartitionKey, key.RowKey, cancellationToken: token);
                if (!record.HasValue || !expired(record.Value!))
                {
                    return;
                }

                try
                {
                    var response = await table.DeleteEntityAsync(key.PartitionKey, key.RowKey, record.Value!.ETag, token);
                    if (response.Status != 404)
                    {
                        Interlocked.Increment(ref removed);
                    }
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 412)
                {
                }
            });
        return removed;
    }
}
