using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Telemetry;

namespace WebhookFunctions.Engine.Retention;

/// <summary>
/// Removes expired records, a bounded amount per run. Per page of schedule entries: first what they name, then the
/// entries themselves, so a run stopped anywhere (a crash, a kill) leaves entries that the next run finishes. Readers
/// already hide everything past its cutoff (<see cref="RetentionPolicy"/>), so no reader sees a half-removed event.
/// Runs on several instances at once are safe: removing what is already gone is a no-op.
/// Each run first continues the backfill (<see cref="BackfillAsync"/>), so records older than the schedule are
/// scheduled, and those already past retention removed, by the same run.
/// </summary>
public sealed class RetentionSweeper(
    IExpiryStore store,
    RetentionPolicy policy,
    IOptions<RetentionOptions> options,
    ILogger<RetentionSweeper> logger)
{
    private int deadLetterBackfillRestarted;

    public async Task<SweepReport> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = policy.TimeProvider.GetTimestamp();
        var (backfilled, more) = await BackfillAsync(cancellationToken);
        var removed = new RemovedRecords();

        var schedules = new List<(ExpiryKind, DateTimeOffset)> { (ExpiryKind.Event, policy.EventCutoff), (ExpiryKind.IdempotencyKey, policy.IdempotencyCutoff) };
        if (policy.DeadLetterCutoff is { } deadLetterCutoff)
        {
            schedules.Add((ExpiryKind.DeadLetter, deadLetterCutoff));
        }

        foreach (var (kind, cutoff) in schedules)
        {
            var (removedOfKind, moreOfKind) = await SweepScheduleAsync(kind, cutoff, settings, cancellationToken);
            removed += removedOfKind;
            more |= moreOfKind;
        }

        var poisonLimit = settings.PageSize * settings.MaxPagesPerSweep;
        var poison = await store.RemovePoisonMessagesAsync(policy.PoisonMessageCutoff, poisonLimit, cancellationToken);
        removed += new RemovedRecords(PoisonMessages: poison);
        more |= poison >= poisonLimit;

        Report(removed);
        var report = new SweepReport(removed, more, policy.TimeProvider.GetElapsedTime(started), backfilled);
        if (removed.Total > 0 || backfilled > 0 || more)
        {
            logger.LogInformation(
                "Retention sweep removed {Events} events, {DeliveryLogEntries} delivery-log entries, {IdempotencyRecords} idempotency records, {DeadLetters} dead letters and {PoisonMessages} poison messages, and scheduled {Backfilled} records older than the expiry schedule, in {Elapsed} ms{More}",
                removed.Events, removed.DeliveryLogEntries, removed.IdempotencyRecords, removed.DeadLetters, removed.PoisonMessages, backfilled, (long)report.Elapsed.TotalMilliseconds,
                more ? "; more are due and wait for the next sweep" : "");
        }
        else
        {
            logger.LogDebug("Retention sweep found nothing expired");
        }

        return report;
    }

    /// <summary>
    /// Writes the schedule rows of records stored without them (before the schedule existed; dead letters parked
    /// while they did not expire), at most <see cref="RetentionOptions.MaxPagesPerSweep"/> pages per table, from
    /// where the last run stopped. Once every table is done, a run costs one read per table and process.
    /// Returns how many records it scheduled and whether a table is left unfinished.
    /// </summary>
    public async Task<(long Scheduled, bool More)> BackfillAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        List<BackfillSource> sources = [BackfillSource.Events, BackfillSource.DeliveryLog, BackfillSource.IdempotencyRecords];
        if (policy.DeadLettersExpire)
        {
            sources.Add(BackfillSource.DeadLetters);
        }
        else if (Interlocked.Exchange(ref deadLetterBackfillRestarted, 1) == 0)
        {
            // Dead letters parked from now on get no schedule rows: once they expire again, the backfill must read them all.
            await store.RestartBackfillAsync(BackfillSource.DeadLetters, cancellationToken);
        }

        long scheduled = 0;
        var more = false;
        foreach (var source in sources)
        {
            var finished = false;
            for (var page = 0; page < settings.MaxPagesPerSweep && !finished; page++)
            {
                var step = await store.BackfillPageAsync(source, settings.BackfillPageSize, cancellationToken);
                scheduled += step.Scheduled;
                finished = step.Finished;
            }

            more |= !finished;
        }

        return (scheduled, more);
    }

    private async Task<(RemovedRecords Removed, bool More)> SweepScheduleAsync(ExpiryKind kind, DateTimeOffset cutoff, RetentionOptions settings, CancellationToken cancellationToken)
    {
        var removed = new RemovedRecords();
        for (var page = 0; page < settings.MaxPagesPerSweep; page++)
        {
            var entries = await store.ListDueAsync(kind, cutoff, settings.PageSize, cancellationToken);
            if (entries.Count == 0)
            {
                return (removed, false);
            }

            removed += await store.RemoveExpiredAsync(entries, cutoff, cancellationToken);
            await store.CompleteAsync(entries, cancellationToken);
        }

        return (removed, true);
    }

    private static void Report(RemovedRecords removed)
    {
        Add(removed.Events, "event");
        Add(removed.DeliveryLogEntries, "delivery_log_entry");
        Add(removed.IdempotencyRecords, "idempotency_record");
        Add(removed.PoisonMessages, "poison_message");
        Add(removed.DeadLetters, "dead_letter");

        static void Add(long count, string record)
        {
            if (count > 0)
            {
                WebhookTelemetry.RecordsExpired.Add(count, new KeyValuePair<string, object?>("record", record));
            }
        }
    }
}

/// <summary>
/// What one sweep removed; <paramref name="MoreDue"/>: it stopped at its bound with expired records (or a backfill)
/// left; <paramref name="Backfilled"/>: records older than the expiry schedule that it scheduled.
/// </summary>
public sealed record SweepReport(RemovedRecords Removed, bool MoreDue, TimeSpan Elapsed, long Backfilled = 0);
