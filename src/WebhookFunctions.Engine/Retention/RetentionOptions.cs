using System.ComponentModel.DataAnnotations;

namespace WebhookFunctions.Engine.Retention;

/// <summary>
/// How long each kind of record is kept, and how much one sweep may remove. Bound from the "Retention" section.
/// Idempotency records are kept for their window (<see cref="Delivery.DeliveryOptions.IdempotencyWindow"/>).
/// Self-hosted dead letters are kept until replayed or purged, unless <see cref="DeadLetters"/> is set.
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Events and their delivery log, counted from the event's acceptance.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Events { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Queue messages that could not be decoded (self-hosted).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan PoisonMessages { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Self-hosted dead letters, counted from when they were dead-lettered; null (the default): kept until replayed or
    /// purged. Service Bus keeps its dead-letter sub-queues by its own rules.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "3650.00:00:00", ErrorMessage = "Retention:DeadLetters must be positive (at most 3650 days), or unset to keep dead letters until replayed or purged.")]
    public TimeSpan? DeadLetters { get; set; }

    /// <summary>How often the self-hosted server sweeps (the Functions app's timer has its own schedule).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Schedule entries (events or idempotency keys) read and expired together.</summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 100;

    /// <summary>Rows of one table read together by the backfill of records older than the expiry schedule.</summary>
    [Range(1, 1000)]
    public int BackfillPageSize { get; set; } = 1000;

    /// <summary>Pages one sweep handles per kind of record (and the backfill per table) at most; the rest waits for the next sweep.</summary>
    [Range(1, 100_000)]
    public int MaxPagesPerSweep { get; set; } = 50;
}
