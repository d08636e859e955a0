namespace WebhookFunctions.Engine.DeadLetters;

/// <summary>
/// Which dead letters a listing or replay selects; every null field matches all. Time bounds apply to LastAttemptAt.
/// A <see cref="SubscriptionId"/> selects delivery dead letters only, since a fan-out dead letter names no subscription.
/// A <see cref="TenantId"/> selects that tenant's dead letters only (those of events published with it).
/// </summary>
public sealed record DeadLetterFilter(
    string? SubscriptionId = null,
    string? EventId = null,
    string? EventType = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    DeadLetterStage? Stage = null,
    string? TenantId = null)
{
    public bool Matches(DeadLetter deadLetter) =>
        (SubscriptionId is null || deadLetter.SubscriptionId == SubscriptionId)
        && (EventId is null || deadLetter.EventId == EventId)
        && (EventType is null || deadLetter.EventType == EventType)
        && (Since is null || deadLetter.LastAttemptAt >= Since)
        && (Until is null || deadLetter.LastAttemptAt < Until)
        && (Stage is null || deadLetter.Stage == Stage)
        && (TenantId is null || string.Equals(deadLetter.TenantId, TenantId, StringComparison.Ordinal));
}
