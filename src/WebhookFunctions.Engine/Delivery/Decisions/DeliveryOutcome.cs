using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Engine.Delivery.Decisions;

/// <summary>What becomes of one delivery job for one subscription: a closed set, decided by <see cref="DeliveryDecision"/>.</summary>
public abstract record DeliveryOutcome
{
    private DeliveryOutcome()
    {
    }

    /// <summary>No attempt and nothing to keep: the subscription is gone.</summary>
    public sealed record Skipped(string Why) : DeliveryOutcome;

    /// <summary>No attempt now: the endpoint cannot take one; the same attempt comes back at <paramref name="Until"/>.</summary>
    public sealed record Deferred(DateTimeOffset Until, string? Why) : DeliveryOutcome;

    public sealed record Delivered : DeliveryOutcome;

    /// <summary>The attempt failed; the next one is due at <paramref name="At"/>.</summary>
    public sealed record Retry(DateTimeOffset At) : DeliveryOutcome;

    /// <summary>No attempt will follow; an operator may replay it. <paramref name="Disables"/>: the subscription is disabled too.</summary>
    public sealed record DeadLetter(DeadLetterReason Reason, string Description, DisabledReason? Disables = null) : DeliveryOutcome;
}
