using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>
/// The subscription store as the engine uses it: the adapter's store (registered under <see cref="InnerKey"/>)
/// behind a briefly cached snapshot, so fan-out and delivery of a hot event type do not read the table per event.
/// Every write through this store drops the snapshot itself; writes by other processes show within
/// <see cref="DeliveryOptions.SubscriptionCacheDuration"/>. Reads of one subscription by id for the API
/// (<see cref="GetAsync"/>) always go to the store, so they carry the current ETag.
/// </summary>
public sealed class CachingSubscriptionStore(ISubscriptionStore inner, IOptions<DeliveryOptions> options, TimeProvider timeProvider)
    : ISubscriptionStore
{
    /// <summary>The service key under which a storage adapter registers its <see cref="ISubscriptionStore"/>.</summary>
    public const string InnerKey = "persistent";

    private readonly Lock refreshGate = new();
    private Task<Snapshot>? refreshing;
    private Snapshot? current;

    /// <summary>
    /// The enabled subscriptions of <paramref name="tenantId"/> (null: of no tenant) whose event types match
    /// <paramref name="eventType"/>, from the snapshot.
    /// </summary>
    public async Task<IReadOnlyList<Subscription>> MatchingAsync(string? tenantId, string eventType, CancellationToken cancellationToken)
    {
        var snapshot = await GetSnapshotAsync(cancellationToken);
        return snapshot.All
            .Where(s => s.Status == SubscriptionStatus.Enabled
                && string.Equals(s.TenantId, tenantId, StringComparison.Ordinal)
                && EventTypeFilter.Matches(s.EventTypes, eventType))
            .ToList();
    }

    /// <summary>
    /// One subscription from the snapshot (it may be up to the cache duration old); one the snapshot lacks is read
    /// from the store, since it may have been created after the snapshot by another process.
    /// </summary>
    public async Task<Subscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var snapshot = await GetSnapshotAsync(cancellationToken);
        return snapshot.ById.GetValueOrDefault(subscriptionId) ?? await inner.GetAsync(subscriptionId, cancellationToken);
    }

    public async Task<Subscription> AddAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.AddAsync(subscription, cancellationToken);
        }
        finally
        {
            current = null;
        }
    }

    public Task<Subscription?> GetAsync(string subscriptionId, CancellationToken cancellationToken) =>
        inner.GetAsync(subscriptionId, cancellationToken);

    public Task<Page<Subscription>> ListAsync(string? tenantId, int limit, string? continuationToken, CancellationToken cancellationToken) =>
        inner.ListAsync(tenantId, limit, continuationToken, cancellationToken);

    public Task<IReadOnlyList<Subscription>> ListAllAsync(CancellationToken cancellationToken) =>
        inner.ListAllAsync(cancellationToken);

    public async Task<Subscription> ReplaceAsync(Subscription subscription, string ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.ReplaceAsync(subscription, ifMatch, cancellationToken);
        }
        finally
        {
            current = null;
        }
    }

    public async Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.DeleteAsync(subscriptionId, cancellationToken);
        }
        finally
        {
            current = null;
        }
    }


    private Task<Snapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var snapshot = current;
        if (snapshot is not null && timeProvider.GetUtcNow() < snapshot.ExpiresAt)
        {
            return Task.FromResult(snapshot);
        }

        // One load at a time, shared by every reader that needs it, success or failure. Were each waiting reader to
        // load in turn, a storage outage would hold them in a queue of timeouts, one SDK retry cycle each, instead of
        // failing them together so that each message gets its fault backoff.
        Task<Snapshot> load;
        lock (refreshGate)
        {
            if (refreshing is not { IsCompleted: false })
            {
                refreshing = LoadAsync();
            }

            load = refreshing;
        }

        return load.WaitAsync(cancellationToken);
    }

    // Not cancelled by the reader that started it: the others share it.
    private async Task<Snapshot> LoadAsync()
    {
        var all = await inner.ListAllAsync(CancellationToken.None);
        var snapshot = new Snapshot(all, all.ToDictionary(s => s.Id, StringComparer.Ordinal), timeProvider.GetUtcNow() + options.Value.SubscriptionCacheDuration);
        current = snapshot;
        return snapshot;
    }

    private sealed record Snapshot(IReadOnlyList<Subscription> All, IReadOnlyDictionary<string, Subscription> ById, DateTimeOffset ExpiresAt);
}
