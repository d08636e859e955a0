namespace WebhookFunctions.Engine.Queueing;

/// <summary>Port: the events topic (Service Bus) or queue (self-hosted) that fan-out reads.</summary>
public interface IEventQueue
{
    Task SendAsync(EventNotice notice, CancellationToken cancellationToken);
}
