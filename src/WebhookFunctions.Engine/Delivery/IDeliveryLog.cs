using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Events;

namespace WebhookFunctions.Engine.Delivery;

/// <summary>Port: every attempt, readable by event and by subscription (newest first).</summary>
public interface IDeliveryLog
{
    Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken);

    /// <summary>Every attempt of this stored event, to any subscription.</summary>
    Task<IReadOnlyList<DeliveryAttempt>> ListForEventAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken);

    /// <exception cref="InvalidContinuationTokenException">The token did not come from this listing.</exception>
    Task<Page<DeliveryAttempt>> ListForSubscriptionAsync(string subscriptionId, int limit, string? continuationToken, CancellationToken cancellationToken);
}
