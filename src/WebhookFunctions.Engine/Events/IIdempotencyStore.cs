namespace WebhookFunctions.Engine.Events;

/// <summary>Port: Idempotency-Key → event id, each key valid for a window.</summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Records <paramref name="eventId"/> under <paramref name="key"/> unless the key is already recorded and younger
    /// than <paramref name="window"/>; returns the event id recorded first in that case, null when this call recorded it.
    /// </summary>
    Task<string?> TryRecordAsync(string key, string eventId, DateTimeOffset now, TimeSpan window, CancellationToken cancellationToken);
}
