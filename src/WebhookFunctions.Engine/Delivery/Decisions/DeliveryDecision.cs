using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery.EndpointHealth;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Engine.Delivery.Decisions;

/// <summary>
/// The delivery rules as pure functions: before an attempt, whether to make it; after it, what follows. Nothing here
/// reads a clock, a store or the network, so every row of the rules is a table test.
/// </summary>
public static class DeliveryDecision
{
    /// <summary>
    /// Null when the attempt is to be made; otherwise why not. <paramref name="admission"/> is the endpoint's answer
    /// for an enabled subscription (it is not asked for a deleted or disabled one).
    /// </summary>
    public static DeliveryOutcome? BeforeAttempt(Subscription? subscription, Admission admission, bool eventIsAboutIt = false) => subscription switch
    {
        null => new DeliveryOutcome.Skipped(SkipReasons.SubscriptionDeleted),
        _ when eventIsAboutIt => new DeliveryOutcome.Skipped(SkipReasons.AboutItself),
        { Status: SubscriptionStatus.PendingVerification } => new DeliveryOutcome.Skipped(SkipReasons.PendingVerification),
        { Status: SubscriptionStatus.Disabled } => new DeliveryOutcome.DeadLetter(
            DeadLetterReason.SubscriptionDisabled,
            $"The subscription is disabled ({WireName(subscription.DisabledReason)}); replay after enabling it."),
        _ when !admission.Admitted => new DeliveryOutcome.Deferred(admission.RetryAt, admission.Why),
        _ => null,
    };

    /// <summary>What follows attempt <see cref="DeliveryJob.Attempt"/> of <paramref name="job"/>, which ended in <paramref name="result"/> at <paramref name="now"/>.</summary>
    public static DeliveryOutcome AfterAttempt(
        SendResult result,
        Subscription subscription,
        DeliveryJob job,
        DateTimeOffset now,
        DeliveryOptions delivery,
        EndpointHealthOptions health,
        Random random)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(health);
        var classification = OutcomeClassifier.Classify(result);
        switch (classification.Kind)
        {
            case OutcomeKind.Delivered:
                return new DeliveryOutcome.Delivered();
            case OutcomeKind.Terminal:
                var reason = classification.Reason ?? DeadLetterReason.MaxAttemptsExceeded;
                return new DeliveryOutcome.DeadLetter(reason, TerminalDescription(reason, result), classification.DisablesSubscription ? DisabledReason.EndpointGone : null);
        }

        if (subscription.FailingSince is { } failingSince && now - failingSince >= health.DisableAfterFailingFor)
        {
            return new DeliveryOutcome.DeadLetter(
                DeadLetterReason.SubscriptionDisabled,
                $"The endpoint has failed since {Timestamps.ToText(failingSince)}; the subscription was disabled ({WireName(DisabledReason.FailingTooLong)}). Last: {Describe(result)}.",
                DisabledReason.FailingTooLong);
        }

        return RetrySchedule.NextAttemptAt(delivery.RetrySchedule.ToList(), delivery.Jitter, job.Attempt, now, result.RetryAfter, random) is { } dueAt
            ? new DeliveryOutcome.Retry(dueAt)
            : new DeliveryOutcome.DeadLetter(DeadLetterReason.MaxAttemptsExceeded, $"Gave up after {job.Attempt} attempts; the last ended with {Describe(result)}.");
    }

    /// <summary>
    /// The subscription's failing-since mark after an attempt: set at the first failure, kept while failures go on,
    /// cleared by a success.
    /// </summary>
    public static DateTimeOffset? FailingSinceAfter(DateTimeOffset? failingSince, DeliveryOutcome outcome, DateTimeOffset now) =>
        outcome is DeliveryOutcome.Delivered ? null : failingSince ?? now;

    public static string Describe(SendResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.StatusCode is { } status ? $"HTTP {status}" : result.Error ?? "no response";
    }

    private static string TerminalDescription(DeadLetterReason reason, SendResult result) => reason switch
    {
        DeadLetterReason.EndpointGone => $"The endpoint answered 410 Gone; the subscription was disabled ({WireName(DisabledReason.EndpointGone)}).",
        DeadLetterReason.PayloadRejected => "The endpoint answered 413 Payload Too Large; retrying the same body cannot succeed.",
        DeadLetterReason.DestinationBlocked => $"The egress guard refused the destination address ({result.Error}).",
        _ => $"Terminal failure: {Describe(result)}.",
    };

    // Descriptions name reasons as the API does (endpointGone), not as the enum does (EndpointGone).
    private static string WireName(DisabledReason? reason) => reason is { } known ? WireNames.Of(known) : "unknown";
}
