using Azure.Storage.Queues;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.Storage.Queues;

/// <summary>Event notices on the self-hosted events queue, read by the fan-out worker.</summary>
internal sealed class StorageEventQueue(QueueServiceClient queues, StorageNames names) : IEventQueue
{
    private readonly QueueClient queue = queues.GetQueueClient(names.EventsQueue);

    public async Task SendAsync(EventNotice notice, CancellationToken cancellationToken) =>
        await queue.SendMessageAsync(QueueLimits.CheckedBody(MessageCodec.Encode(notice), "event notice"), TimeSpan.Zero, QueueLimits.NeverExpires, cancellationToken);
}
