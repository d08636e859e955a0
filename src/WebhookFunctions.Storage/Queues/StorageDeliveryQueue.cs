using Azure.Storage.Queues;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.Storage.Queues;

/// <summary>
/// Delivery jobs on the self-hosted deliveries queue. A scheduled job keeps its due time in the body, so a job due
/// beyond the service's 7-day visibility limit is re-delayed by the consumer that receives it early.
/// </summary>
internal sealed class StorageDeliveryQueue(QueueServiceClient queues, StorageNames names, TimeProvider timeProvider) : IDeliveryQueue
{
    private const int MaxParallelSends = 16;
    private readonly QueueClient queue = queues.GetQueueClient(names.DeliveriesQueue);

    public Task SendAsync(IReadOnlyList<DeliveryJob> jobs, CancellationToken cancellationToken)
    {
        // Storage queues have no batch send; parallel single sends, all durable when this returns.
        var bodies = jobs.Select(job => QueueLimits.CheckedBody(MessageCodec.Encode(job), "delivery job")).ToList();
        return Parallel.ForEachAsync(
            bodies,
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelSends, CancellationToken = cancellationToken },
            async (body, ct) => await queue.SendMessageAsync(body, TimeSpan.Zero, QueueLimits.NeverExpires, ct));
    }

    public async Task ScheduleAsync(DeliveryJob job, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var body = QueueLimits.CheckedBody(MessageCodec.Encode(job with { DueAt = dueAt }), "delivery job");
        var delay = QueueLimits.DelayUntil(dueAt, timeProvider.GetUtcNow());
        await queue.SendMessageAsync(body, delay, QueueLimits.NeverExpires, cancellationToken);
    }
}
