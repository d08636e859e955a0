namespace WebhookFunctions.Engine.Retention;

/// <summary>What an expiry schedule entry names.</summary>
public enum ExpiryKind
{
    /// <summary>An event, its payload and both copies of its delivery log.</summary>
    Event,

    /// <summary>An idempotency record.</summary>
    IdempotencyKey,
}

/// <summary>One row of the expiry schedule: a record of <paramref name="Kind"/> made on <paramref name="Day"/> (UTC), named by <paramref name="Key"/>.</summary>
public sealed record ExpiryEntry(ExpiryKind Kind, DateOnly Day, string Key);

/// <summary>Records removed, by kind (<see cref="RecordKinds"/>).</summary>
public sealed record RemovedRecords(long Events = 0, long DeliveryLogEntries = 0, long IdempotencyRecords = 0, long PoisonMessages = 0)
{
    public static RemovedRecords operator +(RemovedRecords left, RemovedRecords right) => new(
        left.Events + right.Events,
        left.DeliveryLogEntries + right.DeliveryLogEntries,
        left.IdempotencyRecords + right.IdempotencyRecords,
        left.PoisonMessages + right.PoisonMessages);

    public long Total => Events + DeliveryLogEntries + IdempotencyRecords + PoisonMessages;

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

    /// <summary>Removes up to <paramref name="limit"/> poison messages moved aside before <paramref name="cutoff"/>; the count removed.</summary>
    Task<long> RemovePoisonMessagesAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);
}
