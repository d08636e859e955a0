using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>
/// Port: subscriptions with optimistic concurrency, and an index by (tenant, pattern) that every write keeps current.
/// Nothing reads all subscriptions except the paged listing.
/// </summary>
public interface ISubscriptionStore
{
    /// <summary>Inserts a new subscription and returns it with its ETag.</summary>
    Task<Subscription> AddAsync(Subscription subscription, CancellationToken cancellationToken);

    Task<Subscription?> GetAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>A page in id order; with <paramref name="tenantId"/>, only that tenant's subscriptions.</summary>
    /// <exception cref="InvalidContinuationTokenException">The token did not come from this listing.</exception>
    Task<Page<Subscription>> ListAsync(string? tenantId, int limit, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>
    /// The subscriptions of <paramref name="tenantId"/> (null: of no tenant) that list exactly <paramref name="pattern"/>
    /// among their event types, enabled or not: one lookup in the store's index, however many subscriptions there are.
    /// </summary>
    Task<IReadOnlyList<SubscriptionIndexEntry>> ListIndexedAsync(string? tenantId, string pattern, CancellationToken cancellationToken);

    /// <summary>Replaces the subscription if its stored ETag is still <paramref name="ifMatch"/>; returns it with the new ETag.</summary>
    /// <exception cref="ETagMismatchException">The stored ETag differs.</exception>
    /// <exception cref="KeyNotFoundException">The subscription no longer exists.</exception>
    Task<Subscription> ReplaceAsync(Subscription subscription, string ifMatch, CancellationToken cancellationToken);

    /// <summary>Deletes; false when there was nothing to delete.</summary>
    Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken);
}
