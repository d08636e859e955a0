using System.Collections.Concurrent;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Testing.Engine;

namespace WebhookFunctions.UnitTests.Fakes;

/// <summary>Records what publish's direct path asked of the transport, and whether the event was stored at each step.</summary>
internal sealed class RecordingDirectDelivery(InMemoryEventStore events) : IDirectDelivery
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<DeliveryJob> Jobs { get; } = new();

    public Task<IQueuedDirectJob> SendAsync(DeliveryJob job, CancellationToken cancellationToken)
    {
        Jobs.Enqueue(job);
        Calls.Enqueue(events.Items.ContainsKey(job.EventId) ? "send (event stored)" : "send");
        return Task.FromResult<IQueuedDirectJob>(new Queued(this, job.EventId));
    }

    private sealed class Queued(RecordingDirectDelivery owner, string eventId) : IQueuedDirectJob
    {
        public void Release() => owner.Calls.Enqueue(owner.StoredSuffix("release", eventId));

        public void Abandon() => owner.Calls.Enqueue("abandon");

        public Task DiscardAsync(CancellationToken cancellationToken)
        {
            owner.Calls.Enqueue("discard");
            return Task.CompletedTask;
        }
    }

    private string StoredSuffix(string call, string eventId) => events.Items.ContainsKey(eventId) ? call + " (event stored)" : call;
}
