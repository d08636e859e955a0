using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Telemetry;

namespace WebhookFunctions.Engine.Retention;

/// <summary>
/// Removes expired records, a bounded amount per run. Per page of schedule entries: first what they name, then the
/// entries themselves, so a run stopped anywhere (a crash, a kill) leaves entries that the next run finishes. Readers
/// already hide everything past its cutoff (<see cref="RetentionPolicy"/>), so no reader sees a half-removed event.
/// Runs on several instances at once are safe: removing what is already gone is a no-op.
/// </summary>
public sealed class RetentionSweeper(
    IExpiryStore store,
    RetentionPolicy policy,
    IOptions<RetentionOptions> options,
    ILogger<RetentionSweeper> logger)
{
    public async Task<SweepReport> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = policy.TimeProvider.GetTimestamp();
        var removed = new RemovedRecords();
        var more = false;

        foreach (var (kind, cutoff) in new[] { (ExpiryKind.Event, policy.EventCutoff), (ExpiryKind.IdempotencyKey, policy.IdempotencyCutoff) })
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
        var report = new SweepReport(removed, more, policy.TimeProvider.GetElapsedTime(started));
        if (removed.Total > 0 || more)
        {
            logger.LogInformation(
                "Retention sweep removed {Events} events, {DeliveryLogEntries} delivery-log entries, {IdempotencyRecords} idempotency records and {PoisonMessages} poison messages in {Elapsed} ms{More}",
                removed.Events, removed.DeliveryLogEntries, removed.IdempotencyRecords, removed.PoisonMessages, (long)report.Elapsed.TotalMilliseconds,
                more ? "; more are due and wait for the next sweep" : "");
        }
        else
        {
            logger.LogDebug("Retention sweep found nothing expired");
        }

        return report;
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

        static void Add(long count, string record)
        {
            if (count > 0)
            {
                WebhookTelemetry.RecordsExpired.Add(count, new KeyValuePair<string, object?>("record", record));
            }
        }
    }
}

/// <summary>What one sweep removed; <paramref name="MoreDue"/>: it stopped at its bound with expired records left.</summary>
public sealed record SweepReport(RemovedRecords Removed, bool MoreDue, TimeSpan Elapsed);
