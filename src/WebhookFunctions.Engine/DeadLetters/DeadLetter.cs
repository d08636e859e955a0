namespace WebhookFunctions.Engine.DeadLetters;

public enum DeadLetterReason
{
    MaxAttemptsExceeded,
    EndpointGone,
    SubscriptionDisabled,
    PayloadRejected,
    DestinationBlocked,
}

/// <summary>Where in the pipeline an event stopped: before it was fanned out to subscriptions, or on its way to one.</summary>
public enum DeadLetterStage
{
    /// <summary>A delivery job for one subscription; replay sends it to that subscription again, from attempt 1.</summary>
    Delivery,

    /// <summary>An event notice that was never fanned out; it names no subscription, and replay fans the event out again.</summary>
    FanOut,
}

/// <summary>
/// Something the engine will not try again unless an operator replays it: a delivery job for one subscription, or
/// (<see cref="Stage"/> <see cref="DeadLetterStage.FanOut"/>) an event that was never fanned out, which has no
/// <see cref="SubscriptionId"/>.
/// </summary>
public sealed record DeadLetter(
    string EventId,
    string? SubscriptionId,
    string EventType,
    DeadLetterReason Reason,
    string Description,
    int Attempts,
    DateTimeOffset FirstAttemptAt,
    DateTimeOffset LastAttemptAt,
    int? LastStatusCode,
    string? LastError,
    string? TraceParent,
    DeadLetterStage Stage = DeadLetterStage.Delivery,
    string? TenantId = null);
