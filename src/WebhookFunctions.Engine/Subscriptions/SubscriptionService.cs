using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Publishing;

namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>Manages subscriptions: create, read, list, patch, delete, rotate the secret, send a test event.</summary>
public sealed class SubscriptionService
{
    public Task<Result<CreatedSubscription>> CreateAsync(SubscriptionInput input, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Result<Subscription>> GetAsync(string subscriptionId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Result<Page<Subscription>>> ListAsync(int? limit, string? continuationToken, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Applies the patch if <paramref name="ifMatch"/> is the current ETag (a missing If-Match is a validation error).</summary>
    public Task<Result<Subscription>> UpdateAsync(string subscriptionId, SubscriptionPatch patch, string? ifMatch, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Result<bool>> DeleteAsync(string subscriptionId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Result<RotatedSecret>> RotateSecretAsync(string subscriptionId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Result<PublishReceipt>> SendTestAsync(string subscriptionId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Result<Page<DeliveryAttempt>>> ListDeliveriesAsync(string subscriptionId, int? limit, string? continuationToken, CancellationToken cancellationToken) => throw new NotImplementedException();
}
