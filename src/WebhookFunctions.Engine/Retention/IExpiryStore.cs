namespace WebhookFunctions.Engine.Retention;

/// <summary>What an expiry schedule entry names.</summary>
public enum ExpiryKind
{
    /// <summary>An event, its payload and both copies of its delivery log.</summary>
    Event,

    /// <summary>An idempotency record.</summary>
    IdempotencyKey,

    /// <summary>A self-hosted dead letter (scheduled only while <see cref="RetentionOptions.DeadLetters"/> is set).</summary>
    DeadLetter,
}

/// <summary>A table whose records may predate the expiry schedule, and so have no schedule rows.</summary>
public enum BackfillSource
{
    /// <summary>Events.</summary>
    Events,

    /// <summary>The by-event delivery log (its entries are scheduled by their event's id).</summary>
    DeliveryLog,

    /// <summary>Idempotency records.</summary>
    IdempotencyRecords,

    /// <summary>Self-hosted dead letters, parked before the schedule existed or while they did not expire.</summary>
    DeadLetters,
}

/// <summary>One page of a backfill: schedule rows written for <paramref name="Scheduled"/> records; <paramref name="Finished"/>: the table is done.</summary>
public sealed record BackfillStep(long Scheduled, bool Finished);

/// <summary>One row of the expiry schedule: a record of <paramref name="Kind"/> made on <paramref name="Day"/> (UTC), named by <paramref name="Key"/>.</summary>
public sealed record ExpiryEntry(ExpiryKind Kind, DateOnly Day, string Key);

/// <summary>Records removed, by kind (<see cref="RecordKinds"/>).</summary>
public sealed record RemovedRecords(long Events = 0, long DeliveryLogEntries = 0, long IdempotencyRecords = 0, long PoisonMessages = 0, long DeadLetters = 0)
{
    public static RemovedRecords operator +(RemovedRecords left, RemovedRecords right) => new(
        left.Events + right.Events,
        left.DeliveryLogEntries + right.DeliveryLogEntries,
        left.IdempotencyRecords + right.IdempotencyRecords,
        left.PoisonMessages + right.PoisonMessages,
        left.DeadLetters + right.DeadLetters);

    public long Total => Events + DeliveryLogEntries + IdempotencyRecords + PoisonMessages + DeadLetters;

    public static RemovedRecords Add(RemovedRecords left, RemovedRecords right) => left + right;
}

/// <summary>
/// Port: the expiry schedule and the physical removal of expired records. Every removal is idempotent (a record
/// already gone counts as nothing) and spares anything younger than the cutoff it is given, so sweeps may overlap
/// and may be interrupted anywhere.
/// </summary>
public interface IExpiryStore
{
    /// <summary>
    /// The oldest schedule entries of <paramref name="kind"/> whose whole day lies before <paramref name="cutoff"/>,
    /// at most <paramref name="limit"/>; empty when none is due.
    /// </summary>
    Task<IReadOnlyList<ExpiryEntry>> ListDueAsync(ExpiryKind kind, DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);

    /// <summary>Removes what the entries name, as far as it is older than <paramref name="cutoff"/>.</summary>
    Task<RemovedRecords> RemoveExpiredAsync(IReadOnlyList<ExpiryEntry> entries, DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Deletes the schedule entries themselves; called only once what they name is removed.</summary>
    Task CompleteAsync(IReadOnlyList<ExpiryEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the schedule rows of the next page of at most <paramref name="limit"/> records of
    /// <paramref name="source"/> (records already scheduled are scheduled again, which changes nothing) and moves the
    /// source's checkpoint past them, unless another instance moved it first. Once the whole table is done, a call
    /// does nothing.
    /// </summary>
    Task<BackfillStep> BackfillPageAsync(BackfillSource source, int limit, CancellationToken cancellationToken);

    /// <summary>Forgets the checkpoint of <paramref name="source"/>, so its next backfill reads the table from the start.</summary>
    Task RestartBackfillAsync(BackfillSource source, CancellationToken cancellationToken);

    /// <summary>Removes up to <paramref name="limit"/> poison messages moved aside before <paramref name="cutoff"/>; the count removed.</summary>
    Task<long> RemovePoisonMessagesAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);
}
