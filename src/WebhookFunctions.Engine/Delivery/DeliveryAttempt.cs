namespace WebhookFunctions.Engine.Delivery;

public enum AttemptOutcome
{
    Delivered,
    Failed,
    DeadLettered,
    Skipped,
}

/// <summary>
/// One POST to one subscription (or a skip), as written to the delivery log. <see cref="EventAcceptedAt"/>: when its
/// event was accepted, which is what the entry's retention counts from (null when the event is unknown: then its own time).
/// <see cref="ToSoleRecipient"/>: the subscription is its event's <see cref="Events.WebhookEvent.SoleRecipient"/>.
/// </summary>
public sealed record DeliveryAttempt(
    string EventId,
    string SubscriptionId,
    int Attempt,
    DateTimeOffset At,
    long DurationMs,
    AttemptOutcome Outcome,
    int? StatusCode,
    string? Error,
    string? ResponseBody,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? EventAcceptedAt = null,
    bool ToSoleRecipient = false);
