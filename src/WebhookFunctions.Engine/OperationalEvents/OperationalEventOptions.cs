using System.ComponentModel.DataAnnotations;

namespace WebhookFunctions.Engine.OperationalEvents;

/// <summary>The service's own events about its subscriptions. Bound from the "OperationalEvents" section.</summary>
public sealed class OperationalEventOptions
{
    public const string SectionName = "OperationalEvents";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Dead-letter events about one subscription sent one by one within a <see cref="CoalescingWindow"/>; past this,
    /// the rest of that window are counted and sent as one event with their count when the window ends.
    /// </summary>
    [Range(1, 10_000)]
    public int DeadLetterEventsPerWindow { get; set; } = 10;

    /// <summary>
    /// How long one subscription's dead-letter window lasts, from its first dead letter. At most a day: the window is
    /// held in memory and ended by a timer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan CoalescingWindow { get; set; } = TimeSpan.FromMinutes(1);
}
