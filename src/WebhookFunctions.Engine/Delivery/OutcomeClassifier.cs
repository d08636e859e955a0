using WebhookFunctions.Engine.DeadLetters;

namespace WebhookFunctions.Engine.Delivery;

public enum OutcomeKind
{
    Delivered,
    Retry,
    Terminal,
}

/// <summary>What a send result means: delivered, worth retrying, or terminal with a dead-letter reason.</summary>
public sealed record Classification(OutcomeKind Kind, DeadLetterReason? Reason = null, bool DisablesSubscription = false);

public static class OutcomeClassifier
{
    /// <summary>2xx delivered; 410 terminal (endpointGone, disables); 413 terminal (payloadRejected);
    /// destinationBlocked terminal; everything else (other statuses, timeouts, connection errors) retry.</summary>
    public static Classification Classify(SendResult result) => throw new NotImplementedException();
}
