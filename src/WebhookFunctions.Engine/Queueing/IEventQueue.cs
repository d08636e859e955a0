namespace WebhookFunctions.Engine.Queueing;

/// <summary>Port: the events topic (Service Bus) or queue (self-hosted) that fan-out reads.</summary>
public interface IEventQueue
{
    /// <summary>
    /// Sends the notice of a publish. A transport may drop a second send of the same event's notice as a duplicate
    /// (the events topic's duplicate detection does, keyed on the event id): that is what makes a retried publish safe.
    /// </summary>
    Task SendAsync(EventNotice notice, CancellationToken cancellationToken);

    /// <summary>
    /// Sends an event's notice again on purpose (a replayed fan-out dead letter), which the transport must not drop as
    /// a duplicate of the first. A transport without duplicate detection sends it as any notice.
    /// </summary>
    Task ResendAsync(EventNotice notice, CancellationToken cancellationToken) => SendAsync(notice, cancellationToken);
}
