namespace WebhookFunctions.Engine.DeadLetters;

/// <summary>
/// Which dead letters a listing or replay selects; every null field matches all. Time bounds apply to LastAttemptAt.
/// A <see cref="SubscriptionId"/> selects delivery dead letters only, since a fan-out dead letter names no subscription.
/// </summary>
public sealed record DeadLetterFilter(
    string? SubscriptionId = null,
    string? EventId = null,
    string? EventType = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    DeadLetterStage? Stage = null)
{
    public bool Matches(DeadLetter deadLetter) =>
        (SubscriptionId is null || deadLetter.SubscriptionId == SubscriptionId)
        && (EventId is null || deadLetter.EventId == EventId)
        && (EventType is null || deadLetter.EventType == EventType)
        && (Since is null || deadLetter.LastAttemptAt >= Since)
        && (Until is null || deadLetter.LastAttemptAt < Until)
        && (Stage is null || deadLetter.Stage == Stage);
}
