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
    private static readonly Classification Delivered = new(OutcomeKind.Delivered);
    private static readonly Classification Retry = new(OutcomeKind.Retry);
    private static readonly Classification EndpointGone = new(OutcomeKind.Terminal, DeadLetterReason.EndpointGone, DisablesSubscription: true);
    private static readonly Classification PayloadRejected = new(OutcomeKind.Terminal, DeadLetterReason.PayloadRejected);
    private static readonly Classification DestinationBlocked = new(OutcomeKind.Terminal, DeadLetterReason.DestinationBlocked);

    /// <summary>2xx delivered; 410 terminal (endpointGone, disables); 413 terminal (payloadRejected);
    /// destinationBlocked terminal; everything else (other statuses, timeouts, connection errors) retry.</summary>
    /// <remarks>3xx retries too: redirects are never followed, so a moved endpoint has to be fixed by its owner.</remarks>
    public static Classification Classify(SendResult result)
    {
        ArgumentNullException.ThrowIfNull(result);

        if (string.Equals(result.Error, SendErrors.DestinationBlocked, StringComparison.Ordinal))
        {
            return DestinationBlocked;
        }

        return result.StatusCode switch
        {
            >= 200 and <= 299 => Delivered,
            410 => EndpointGone,
            413 => PayloadRejected,
            _ => Retry,
        };
    }
}
