namespace WebhookFunctions.Engine.DeadLetters;

public enum DeadLetterReason
{
    MaxAttemptsExceeded,
    EndpointGone,
    SubscriptionDisabled,
    PayloadRejected,
    DestinationBlocked,
}

/// <summary>A delivery job that will not be attempted again unless an operator replays it.</summary>
public sealed record DeadLetter(
    string EventId,
    string SubscriptionId,
    string EventType,
    DeadLetterReason Reason,
    string Description,
    int Attempts,
    DateTimeOffset FirstAttemptAt,
    DateTimeOffset LastAttemptAt,
    int? LastStatusCode,
    string? LastError,
    string? TraceParent);
