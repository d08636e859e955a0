using System.ComponentModel.DataAnnotations;

namespace WebhookFunctions.Engine.OperationalEvents;

/// <summary>The service's own events about its subscriptions. Bound from the "OperationalEvents" section.</summary>
public sealed class OperationalEventOptions
{
    public const string SectionName = "OperationalEvents";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Dead-letter events about one subscription sent one by one within a minute; past this, the rest of that minute
    /// are counted and sent as one event with their count when the minute ends.
    /// </summary>
    [Range(1, 10_000)]
    public int DeadLetterEventsPerMinute { get; set; } = 10;
}
