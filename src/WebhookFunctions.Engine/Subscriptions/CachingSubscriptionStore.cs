using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>
/// The subscription store as the engine uses it: the adapter's store (registered under <see cref="InnerKey"/>) behind a
/// bounded cache of index lookups per (tenant, pattern) and of subscriptions by id, each kept for
/// <see cref="DeliveryOptions.SubscriptionCacheDuration"/>. Memory grows with the lookups in use, not with the number
/// of subscriptions; <see cref="DeliveryOptions.SubscriptionCacheSize"/> bounds it and evicts the least recently used.
/// A write through this store drops only the entries it touches (its tenant's lookups of the patterns it had or has,
/// and its own id); writes by other processes show within the cache duration. Reads of one subscription for the API
/// (<see cref="GetAsync"/>) always go to the store, so they carry the current ETag.
/// </summary>
public sealed class CachingSubscriptionStore : ISubscriptionStore, IDisposable
{
    /// <summary>The service key under which a storage adapter registers its <see cref="ISubscriptionStore"/>.</summary>
    public const string InnerKey = "persistent";

    private readonly ISubscriptionStore inner;
    private readonly TimeProvider timeProvider;
    private readonly TimeSpan duration;
    private readonly MemoryCache cache;
    private readonly Lock gate = new();
    private readonly Dictionary<object, Task> loading = [];
    private long writeGeneration;

    public CachingSubscriptionStore(ISubscriptionStore inner, IOptions<DeliveryOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.inner = inner;
        this.timeProvider = timeProvider;
        duration = options.Value.SubscriptionCacheDuration;
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.SubscriptionCacheSize });
    }

    /// <summary>
    /// The index entries of the enabled subscriptions of <paramref name="tenantId"/> (null: of no tenant) whose event
    /// types match <paramref name="eventType"/>, each subscription once, with its payload filter: one cached index
    /// lookup per candidate pattern (<see cref="EventTypeFilter.CandidatePatterns"/>).
    /// </summary>
    public async Task<IReadOnlyList<SubscriptionIndexEntry>> MatchingAsync(string? tenantId, string eventType, CancellationToken cancellationToken)
    {
        var lookups = EventTypeFilter.CandidatePatterns(eventType).Select(pattern => IndexedAsync(tenantId, pattern, cancellationToken));
        var matching = new List<SubscriptionIndexEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entries in await Task.WhenAll(lookups))
        {
            foreach (var entry in entries)
            {
                if (entry.Enabled && seen.Add(entry.SubscriptionId))
                {
                    matching.Add(entry);
                }
            }
        }

        return matching;
    }

    /// <summary>
    /// One subscription, cached (it may be up to the cache duration old); one the store lacks is not cached, since it
    /// may be created by another process any moment.
    /// </summary>
    public Task<Subscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken) =>
        CachedAsync(new IdKey(subscriptionId), () => inner.GetAsync(subscriptionId, CancellationToken.None), found => found is null ? null : 1, cancellationToken);

    public Task<IReadOnlyList<SubscriptionIndexEntry>> ListIndexedAsync(string? tenantId, string pattern, CancellationToken cancellationToken) =>
        IndexedAsync(tenantId, pattern, cancellationToken);

    public async Task<Subscription> AddAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        try
        {
            return await inner.AddAsync(subscription, cancellationToken);
        }
        finally
        {
            Invalidate(subscription.Id, subscription);
        }
    }

    public Task<Subscription?> GetAsync(string subscriptionId, CancellationToken cancellationToken) =>
        inner.GetAsync(subscriptionId, cancellationToken);

    public Task<Page<Subscription>> ListAsync(string? tenantId, int limit, string? continuationToken, CancellationToken cancellationToken) =>
        inner.ListAsync(tenantId, limit, continuationToken, cancellationToken);

    public async Task<Subscription> ReplaceAsync(Subscription subscription, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);

        // The lookups of patterns it drops must go too, so the stored copy is read first.
        var previous = await inner.GetAsync(subscription.Id, cancellationToken);
        try
        {
            return await inner.ReplaceAsync(subscription, ifMatch, cancellationToken);
        }
        finally
        {
            Invalidate(subscription.Id, previous, subscription);
        }
    }

    public async Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var previous = await inner.GetAsync(subscriptionId, cancellationToken);
        try
        {
            return await inner.DeleteAsync(subscriptionId, cancellationToken);
        }
        finally
        {
            Invalidate(subscriptionId, previous);
        }
    }

    public void Dispose() => cache.Dispose();

    private Task<IReadOnlyList<SubscriptionIndexEntry>> IndexedAsync(string? tenantId, string pattern, CancellationToken cancellationToken) =>
        CachedAsync(
            new IndexKey(tenantId, pattern),
            () => inner.ListIndexedAsync(tenantId, pattern, CancellationToken.None),
            entries => entries.Count + 1,
            cancellationToken);

    private Task<T> CachedAsync<T>(object key, Func<Task<T>> load, Func<T, long?> sizeOf, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(key, out Cached<T>? hit) && hit is not null && timeProvider.GetUtcNow() < hit.ExpiresAt)
        {
            return Task.FromResult(hit.Value);
        }

        // One load per key at a time, shared by every reader that needs it, success or failure. Were each waiting
        // reader to load in turn, a storage outage would hold them in a queue of timeouts, one SDK retry cycle each,
        // instead of failing them together so that each message gets its fault backoff.
        TaskCompletionSource<T> shared;
        long generation;
        lock (gate)
        {
            if (loading.TryGetValue(key, out var running))
            {
                return ((Task<T>)running).WaitAsync(cancellationToken);
            }

            shared = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            loading[key] = shared.Task;
            generation = writeGeneration;
        }

        _ = LoadAsync(key, load, sizeOf, shared, generation);
        return shared.Task.WaitAsync(cancellationToken);
    }

    // Not cancelled by the reader that started it: the others share it.
    private async Task LoadAsync<T>(object key, Func<Task<T>> load, Func<T, long?> sizeOf, TaskCompletionSource<T> shared, long generation)
    {
        T value;
        try
        {
            value = await load();
        }
        catch (Exception ex)
        {
            Forget(key, shared.Task);
            shared.SetException(ex);
            return;
        }

        lock (gate)
        {
            // A write since the load began may have changed what it read: then it answers its readers but is not kept.
            if (generation == writeGeneration && duration > TimeSpan.Zero && sizeOf(value) is { } size)
            {
                cache.Set(key, new Cached<T>(value, timeProvider.GetUtcNow() + duration), new MemoryCacheEntryOptions
                {
                    Size = size,
                    AbsoluteExpirationRelativeToNow = duration,
                });
            }

            Forget(key, shared.Task);
        }

        shared.SetResult(value);
    }

    private void Forget(object key, Task load)
    {
        lock (gate)
        {
            if (loading.TryGetValue(key, out var current) && current == load)
            {
                loading.Remove(key);
            }
        }
    }

    private void Invalidate(string subscriptionId, params Subscription?[] versions)
    {
        lock (gate)
        {
            writeGeneration++;
            var keys = versions
                .OfType<Subscription>()
                .SelectMany(version => version.EventTypes.Select(pattern => (object)new IndexKey(version.TenantId, pattern)))
                .Append(new IdKey(subscriptionId));
            foreach (var key in keys)
            {
                cache.Remove(key);
                loading.Remove(key);
            }
        }
    }

    private sealed record IndexKey(string? TenantId, string Pattern);

    private sealed record IdKey(string SubscriptionId);

    private sealed record Cached<T>(T Value, DateTimeOffset ExpiresAt);
}
