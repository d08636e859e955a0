using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Engine.Queueing;

/// <summary>Port: the deliveries queue. Jobs sent here are durable when the call returns.</summary>
public interface IDeliveryQueue
{
    /// <summary>Sends jobs to be processed now (batched by the adapter where its transport allows).</summary>
    Task SendAsync(IReadOnlyList<DeliveryJob> jobs, CancellationToken cancellationToken);

    /// <summary>Sends one job to become visible at <paramref name="dueAt"/>.</summary>
    Task ScheduleAsync(DeliveryJob job, DateTimeOffset dueAt, CancellationToken cancellationToken);
}
