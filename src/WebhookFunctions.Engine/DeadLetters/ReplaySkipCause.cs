namespace WebhookFunctions.Engine.DeadLetters;

/// <summary>Why replay left a dead letter where it was: sending it again could only park it again or drop it.</summary>
public enum ReplaySkipCause
{
    /// <summary>Its subscription is disabled; re-enable it, then replay.</summary>
    SubscriptionDisabled,

    /// <summary>Its subscription no longer exists.</summary>
    SubscriptionDeleted,

    /// <summary>Its event is no longer in the event store, so there is nothing to deliver.</summary>
    EventExpired,
}

/// <summary>What one replay did: how many dead letters matched, how many were requeued, and why the others were kept.</summary>
public sealed record ReplayReport(int Matched, int Replayed, IReadOnlyDictionary<ReplaySkipCause, int> Skipped);
