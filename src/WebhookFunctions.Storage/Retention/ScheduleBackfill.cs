using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.Storage.Retention;

/// <summary>
/// Schedules records stored without expiry schedule rows, one page of a table at a time. Where each table's pass has
/// got to is a checkpoint row in the expiry table (PK <see cref="CheckpointPartition"/>, RK the source; outside every
/// "{kind}|" range the sweeper lists): the query's continuation, or Finished. A page is read from the checkpoint, its
/// rows scheduled (upserts, so a page done twice, by a retry or by two instances at once, writes the same rows), and
/// the checkpoint moved past it under the ETag read, so it never moves back. A record past retention gets a row of a
/// past day, which the same sweep then removes.
/// </summary>
internal sealed class ScheduleBackfill(TableServiceClient tables, StorageNames names, ExpirySchedule schedule)
{
    public const string CheckpointPartition = "backfill";
    private readonly TableClient checkpoints = tables.GetTableClient(names.ExpiryTable);
    private readonly ConcurrentDictionary<BackfillSource, bool> finished = new();

    public async Task<BackfillStep> NextPageAsync(BackfillSource source, int limit, CancellationToken cancellationToken)
    {
        if (finished.ContainsKey(source))
        {
            return new BackfillStep(0, Finished: true);
        }

        var stored = await checkpoints.GetEntityIfExistsAsync<TableEntity>(CheckpointPartition, CheckpointKey(source), cancellationToken: cancellationToken);
        var checkpoint = stored.HasValue ? stored.Value : null;
        if (checkpoint?.GetBoolean("Finished") == true)
        {
            finished[source] = true;
            return new BackfillStep(0, Finished: true);
        }

        var (entries, next) = await ReadPageAsync(source, checkpoint?.GetString("Continuation"), limit, cancellationToken);
        await schedule.ScheduleAsync(entries, cancellationToken);
        var moved = new TableEntity(CheckpointPartition, CheckpointKey(source)) { ["Continuation"] = next, ["Finished"] = next is null };
        try
        {
            if (checkpoint is null)
            {
                await checkpoints.AddEntityAsync(moved, cancellationToken);
            }
            else
            {
                await checkpoints.UpdateEntityAsync(moved, checkpoint.ETag, TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            // Another instance moved (or restarted) the checkpoint first; its next page is read from there.
            return new BackfillStep(entries.Count, Finished: false);
        }

        if (next is null)
        {
            finished[source] = true;
        }

        return new BackfillStep(entries.Count, Finished: next is null);
    }

    public async Task RestartAsync(BackfillSource source, CancellationToken cancellationToken)
    {
        finished.TryRemove(source, out _);
        try
        {
            await checkpoints.DeleteEntityAsync(CheckpointPartition, CheckpointKey(source), ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    private async Task<(List<ExpiryEntry> Entries, string? Next)> ReadPageAsync(BackfillSource source, string? continuation, int limit, CancellationToken cancellationToken)
    {
        var (table, columns, toEntry) = Source(source);
        try
        {
            await foreach (var page in tables.GetTableClient(table).QueryAsync<TableEntity>(filter: (string?)null, limit, columns, cancellationToken).AsPages(continuation, limit))
            {
                return (page.Values.Select(toEntry).Distinct().ToList(), page.ContinuationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No such table on this host (the dead-letter table belongs to the queue transport): nothing to schedule.
        }

        return ([], null);
    }

    private (string Table, string[] Columns, Func<TableEntity, ExpiryEntry> ToEntry) Source(BackfillSource source) => source switch
    {
        BackfillSource.Events => (
            names.EventsTable,
            ["PartitionKey", "Timestamp", "AcceptedAt"],
            e => ExpirySchedule.Entry(ExpiryKind.Event, EventTableStore.AcceptedAt(e), e.PartitionKey)),
        BackfillSource.DeliveryLog => (
            names.DeliveryAttemptsTable,
            ["PartitionKey", "At", "EventAcceptedAt"],
            e => ExpirySchedule.Entry(ExpiryKind.Event, DeliveryAttemptEntityMapper.EventAcceptedAt(e), e.PartitionKey)),
        BackfillSource.IdempotencyRecords => (
            names.IdempotencyTable,
            ["PartitionKey", "Timestamp", "CreatedAt"],
            e => ExpirySchedule.Entry(ExpiryKind.IdempotencyKey, e.GetDateTimeOffset("CreatedAt") ?? e.Timestamp ?? DateTimeOffset.MinValue, e.PartitionKey)),
        BackfillSource.DeadLetters => (
            names.DeadLettersTable,
            ["PartitionKey", "RowKey", "DeadLetteredAt", "LastAttemptAt"],
            e => ExpirySchedule.Entry(ExpiryKind.DeadLetter, DeadLetterEntityMapper.DeadLetteredAt(e), DeadLetterEntityMapper.ScheduleKey(e.PartitionKey, e.RowKey))),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };

    private static string CheckpointKey(BackfillSource source) => source switch
    {
        BackfillSource.Events => "events",
        BackfillSource.DeliveryLog => "deliverylog",
        BackfillSource.IdempotencyRecords => "idempotency",
        BackfillSource.DeadLetters => "deadletters",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };
}
