using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Engine.Delivery;

/// <summary>Port: every attempt, readable by event and by subscription (newest first).</summary>
public interface IDeliveryLog
{
    Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeliveryAttempt>> ListForEventAsync(string eventId, CancellationToken cancellationToken);

    /// <exception cref="InvalidContinuationTokenException">The token did not come from this listing.</exception>
    Task<Page<DeliveryAttempt>> ListForSubscriptionAsync(string subscriptionId, int limit, string? continuationToken, CancellationToken cancellationToken);
}
