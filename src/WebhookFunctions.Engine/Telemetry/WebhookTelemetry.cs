using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace WebhookFunctions.Engine.Telemetry;

/// <summary>The engine's traces and metrics; hosts subscribe with OpenTelemetry by <see cref="SourceName"/>.</summary>
public static class WebhookTelemetry
{
    public const string SourceName = "WebhookFunctions";

    public const string MessageDeliveryCountName = "webhooks.messages.delivery_count";

    public static readonly ActivitySource ActivitySource = new(SourceName);

    private static readonly Meter Meter = new(SourceName);

    public static readonly Counter<long> EventsPublished = Meter.CreateCounter<long>("webhooks.events.published", description: "Events accepted by publish.");

    public static readonly Counter<long> JobsFannedOut = Meter.CreateCounter<long>("webhooks.fanout.deliveries", description: "Event-to-subscription deliveries created by fan-out.");

    public static readonly Counter<long> DirectPublishes = Meter.CreateCounter<long>("webhooks.publish.direct", description: "Events whose delivery job publish queued itself, without a notice and fan-out.");

    public static readonly Counter<long> AbandonedPublishes = Meter.CreateCounter<long>("webhooks.publish.abandoned", description: "Direct delivery jobs ended because their publish never stored the event.");

    public static readonly Counter<long> FilteredOut = Meter.CreateCounter<long>("webhooks.fanout.filtered", description: "Event-to-subscription deliveries a payload filter held back at fan-out.");

    public static readonly Counter<long> OperationalEvents = Meter.CreateCounter<long>("webhooks.operational.events", description: "Operational events raised, by type and outcome (published or failed).");

    /// <summary>Records removed by the retention sweeper, tagged with the kind of record.</summary>
    public static readonly Counter<long> RecordsExpired = Meter.CreateCounter<long>("webhooks.retention.removed", description: "Expired records removed by the retention sweeper.");

    public static readonly Counter<long> Attempts = Meter.CreateCounter<long>("webhooks.delivery.attempts", description: "Delivery attempts by outcome.");

    /// <summary>
    /// Recorded at every receive, tagged with the queue: how many times the transport has handed this message out
    /// (the Storage dequeue count, the Service Bus delivery count). Above 1 is a redelivery: a crash, a failure, or a
    /// fault retry; the maximum shows how close messages come to the transport's redelivery limit.
    /// </summary>
    public static readonly Histogram<long> MessageDeliveryCount = Meter.CreateHistogram<long>(MessageDeliveryCountName, description: "Times a received message had been handed out by its queue, this time included.");

    public static readonly Histogram<double> AttemptDuration = Meter.CreateHistogram<double>("webhooks.delivery.duration", unit: "ms", description: "Duration of one POST to a receiver.");

    /// <summary>Starts an activity continuing the W3C trace in <paramref name="traceParent"/> (a new trace when null or malformed).</summary>
    public static Activity? Start(string name, ActivityKind kind, string? traceParent)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        return ActivitySource.StartActivity(name, kind, parent);
    }
}
