namespace WebhookFunctions.Engine.Events;

/// <summary>Port: accepted events, which also serve as the claim check for queue messages.</summary>
public interface IEventStore
{
    /// <summary>Stores the event; false when an event with this id already exists (nothing is changed then).</summary>
    Task<bool> TryAddAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken);

    Task<WebhookEvent?> GetAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Records that the event's notice is on the events queue.</summary>
    Task MarkNoticeQueuedAsync(string eventId, CancellationToken cancellationToken);
}
