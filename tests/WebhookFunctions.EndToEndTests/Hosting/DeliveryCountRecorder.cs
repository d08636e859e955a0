using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using WebhookFunctions.Engine.Telemetry;

namespace WebhookFunctions.EndToEndTests.Hosting;

/// <summary>
/// Listens to the engine's <c>webhooks.messages.delivery_count</c> (recorded at every receive) for the queues whose
/// names start with one storage prefix, so a test in this process sees its own server's receives and no other's.
/// </summary>
public sealed class DeliveryCountRecorder : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(string Queue, long DeliveryCount)> receives = new();

    public DeliveryCountRecorder(string queuePrefix)
    {
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == WebhookTelemetry.SourceName && instrument.Name == WebhookTelemetry.MessageDeliveryCountName)
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "queue", Value: string queue } && queue.StartsWith(queuePrefix, StringComparison.Ordinal))
                {
                    receives.Enqueue((queue, value));
                }
            }
        });
        listener.Start();
    }

    /// <summary>Every receive so far: the queue and how many times the message had been handed out, this time included.</summary>
    public IReadOnlyList<(string Queue, long DeliveryCount)> Receives => receives.ToList();

    public void Dispose() => listener.Dispose();
}
