using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Engine.Publishing;

/// <summary>
/// Port: a transport that lets publish queue an event's only delivery job itself, skipping the events queue and
/// fan-out (the self-hosted queues; Service Bus keeps publish → topic → fan-out). The job is durably queued before the
/// event is stored, so a stored event always has its job: that is what lets publish skip the notice and its mark.
/// </summary>
public interface IDirectDelivery
{
    /// <summary>
    /// Queues <paramref name="job"/> so that no receiver takes it before <see cref="IQueuedDirectJob.Release"/>, or at
    /// most a second later (when this process has no handler free to take it itself). Durable when this returns.
    /// </summary>
    Task<IQueuedDirectJob> SendAsync(DeliveryJob job, CancellationToken cancellationToken);
}

/// <summary>A job <see cref="IDirectDelivery"/> queued ahead of its event; exactly one of its two methods is called.</summary>
public interface IQueuedDirectJob
{
    /// <summary>The event was stored (or may have been): the job is handed to a delivery worker.</summary>
    void Release();

    /// <summary>The store said this publish did not store its event (another one holds the id): the job is removed.</summary>
    Task DiscardAsync(CancellationToken cancellationToken);
}
