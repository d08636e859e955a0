using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>
/// A briefly cached snapshot of every subscription, so fan-out and delivery of a hot event type do not read the
/// table per event. Writes made through this process invalidate it at once; other processes see them within
/// <see cref="DeliveryOptions.SubscriptionCacheDuration"/>.
/// </summary>
public sealed class SubscriptionDirectory(ISubscriptionStore store, IOptions<DeliveryOptions> options, TimeProvider timeProvider) : IDisposable
{
    private readonly SemaphoreSlim refreshLock = new(1, 1);
    private Snapshot? current;

    public async Task<IReadOnlyList<Subscription>> MatchingAsync(string eventType, CancellationToken cancellationToken)
    {
        var snapshot = await GetSnapshotAsync(cancellationToken);
        return snapshot.All.Where(s => s.Status == SubscriptionStatus.Enabled && EventTypeFilter.Matches(s.EventTypes, eventType)).ToList();
    }

    public async Task<Subscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var snapshot = await GetSnapshotAsync(cancellationToken);
        return snapshot.ById.GetValueOrDefault(subscriptionId);
    }

    public void Invalidate() => current = null;

    public void Dispose() => refreshLock.Dispose();

    private async Task<Snapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var snapshot = current;
        if (snapshot is not null && timeProvider.GetUtcNow() < snapshot.ExpiresAt)
        {
            return snapshot;
        }

        await refreshLock.WaitAsync(cancellationToken);
        try
        {
            snapshot = current;
            var now = timeProvider.GetUtcNow();
            if (snapshot is not null && now < snapshot.ExpiresAt)
            {
                return snapshot;
            }

            var all = await store.ListAllAsync(cancellationToken);
            snapshot = new Snapshot(all, all.ToDictionary(s => s.Id, StringComparer.Ordinal), now + options.Value.SubscriptionCacheDuration);
            current = snapshot;
            return snapshot;
        }
        finally
        {
            refreshLock.Release();
        }
    }

    private sealed record Snapshot(IReadOnlyList<Subscription> All, IReadOnlyDictionary<string, Subscription> ById, DateTimeOffset ExpiresAt);
}
