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

/// <summary>A job <see cref="IDirectDelivery"/> queued ahead of its event; exactly one of its methods is called.</summary>
public interface IQueuedDirectJob
{
    /// <summary>The event was stored: the job is handed to a delivery worker.</summary>
    void Release();

    /// <summary>
    /// The event's write failed or was cut off, so it may or may not have landed: the job is let go where it is and
    /// reappears for any receiver when its visibility ends, by which time the event is there or never will be. (Not
    /// released at once: the client, told nothing, may be retrying the publish elsewhere right now.)
    /// </summary>
    void Abandon();

    /// <summary>The store said this publish did not store its event (another one holds the id): the job is removed.</summary>
    Task DiscardAsync(CancellationToken cancellationToken);
}
