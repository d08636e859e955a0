using System.Collections.Concurrent;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Testing.Engine;

// The engine's storage ports in memory, for tests of what is not storage; the real adapters are tested against Azurite.

public sealed class InMemorySubscriptionStore : ISubscriptionStore
{
    private readonly ConcurrentDictionary<string, Subscription> items = new();
    private int version;
    private int indexLookups;

    public Task<Subscription> AddAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var stored = subscription with { ETag = NextETag() };
        items[stored.Id] = stored;
        return Task.FromResult(stored);
    }

    public Task<Subscription?> GetAsync(string subscriptionId, CancellationToken cancellationToken) =>
        Task.FromResult(items.GetValueOrDefault(subscriptionId));

    public Task<Page<Subscription>> ListAsync(string? tenantId, int limit, string? continuationToken, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<Subscription>(
            items.Values.Where(s => tenantId is null || s.TenantId == tenantId).OrderBy(s => s.Id, StringComparer.Ordinal).Take(limit).ToList(),
            null));

    /// <summary>How many index lookups were made: the in-memory analogue of the table's partition queries.</summary>
    public int IndexLookups => indexLookups;

    public Task<IReadOnlyList<SubscriptionIndexEntry>> ListIndexedAsync(string? tenantId, string pattern, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref indexLookups);
        return Task.FromResult<IReadOnlyList<SubscriptionIndexEntry>>(items.Values
            .Where(s => s.TenantId == tenantId && s.EventTypes.Contains(pattern, StringComparer.Ordinal))
            .Select(s => new SubscriptionIndexEntry(s.Id, s.IsFanOutTarget, s.Filter))
            .ToList());
    }

    public Task<Subscription> ReplaceAsync(Subscription subscription, string ifMatch, CancellationToken cancellationToken)
    {
        if (!items.TryGetValue(subscription.Id, out var current))
        {
            throw new KeyNotFoundException(subscription.Id);
        }

        if (current.ETag != ifMatch)
        {
            throw new ETagMismatchException("stale");
        }

        var stored = subscription with { ETag = NextETag() };
        items[stored.Id] = stored;
        return Task.FromResult(stored);
    }

    public Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken) => Task.FromResult(items.TryRemove(subscriptionId, out _));

    private string NextETag() => $"W/\"{Interlocked.Increment(ref version)}\"";
}

public sealed class InMemoryEventStore : IEventStore
{
    public ConcurrentDictionary<string, WebhookEvent> Items { get; } = new();

    public Task<bool> TryAddAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) => Task.FromResult(Items.TryAdd(webhookEvent.Id, webhookEvent));

    public Task<WebhookEvent?> GetAsync(string eventId, CancellationToken cancellationToken) => Task.FromResult(Items.GetValueOrDefault(eventId));

    public Task MarkNoticeQueuedAsync(string eventId, CancellationToken cancellationToken)
    {
        Items[eventId] = Items[eventId] with { NoticeQueued = true };
        return Task.CompletedTask;
    }
}

public sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    private readonly ConcurrentDictionary<string, (string EventId, DateTimeOffset At)> keys = new();

    public Task<string?> TryRecordAsync(string key, string eventId, DateTimeOffset now, TimeSpan window, CancellationToken cancellationToken)
    {
        if (keys.TryGetValue(key, out var existing) && now - existing.At < window)
        {
            return Task.FromResult<string?>(existing.EventId);
        }

        keys[key] = (eventId, now);
        return Task.FromResult<string?>(null);
    }
}

public sealed class InMemoryDeliveryLog : IDeliveryLog
{
    public ConcurrentQueue<DeliveryAttempt> Attempts { get; } = new();

    public Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        foreach (var attempt in attempts)
        {
            Attempts.Enqueue(attempt);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeliveryAttempt>> ListForEventAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeliveryAttempt>>(Attempts.Where(a => a.EventId == webhookEvent.Id).ToList());

    public Task<Page<DeliveryAttempt>> ListForSubscriptionAsync(string subscriptionId, int limit, string? continuationToken, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<DeliveryAttempt>(Attempts.Where(a => a.SubscriptionId == subscriptionId).OrderByDescending(a => a.At).Take(limit).ToList(), null));
}
