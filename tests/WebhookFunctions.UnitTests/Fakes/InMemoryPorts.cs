using System.Collections.Concurrent;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.UnitTests.Fakes;

// In-memory ports for testing the engine's decisions; the real adapters are tested against Azurite.

internal sealed class InMemorySubscriptionStore : ISubscriptionStore
{
    private readonly ConcurrentDictionary<string, Subscription> items = new();
    private int version;

    public int ListAllCalls { get; private set; }

    public Task<Subscription> AddAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var stored = subscription with { ETag = NextETag() };
        items[stored.Id] = stored;
        return Task.FromResult(stored);
    }

    public Task<Subscription?> GetAsync(string subscriptionId, CancellationToken cancellationToken) =>
        Task.FromResult(items.GetValueOrDefault(subscriptionId));

    public Task<Page<Subscription>> ListAsync(int limit, string? continuationToken, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<Subscription>(items.Values.OrderBy(s => s.Id, StringComparer.Ordinal).Take(limit).ToList(), null));

    public Task<IReadOnlyList<Subscription>> ListAllAsync(CancellationToken cancellationToken)
    {
        ListAllCalls++;
        return Task.FromResult<IReadOnlyList<Subscription>>(items.Values.ToList());
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

internal sealed class InMemoryEventStore : IEventStore
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

internal sealed class InMemoryIdempotencyStore : IIdempotencyStore
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

internal sealed class InMemoryDeliveryLog : IDeliveryLog
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

    public Task<IReadOnlyList<DeliveryAttempt>> ListForEventAsync(string eventId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeliveryAttempt>>(Attempts.Where(a => a.EventId == eventId).ToList());

    public Task<Page<DeliveryAttempt>> ListForSubscriptionAsync(string subscriptionId, int limit, string? continuationToken, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<DeliveryAttempt>(Attempts.Where(a => a.SubscriptionId == subscriptionId).OrderByDescending(a => a.At).Take(limit).ToList(), null));
}

/// <summary>Records what the engine asked of the transport, in order.</summary>
internal sealed class RecordingTransport : IEventQueue, IDeliveryQueue, IDeliverySettlement
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<EventNotice> Notices { get; } = new();

    public ConcurrentQueue<DeliveryJob> Sent { get; } = new();

    public ConcurrentQueue<(DeliveryJob Job, DateTimeOffset DueAt)> Scheduled { get; } = new();

    public ConcurrentQueue<DeadLetter> DeadLetters { get; } = new();

    public int Completions { get; private set; }

    public Task SendAsync(EventNotice notice, CancellationToken cancellationToken)
    {
        Notices.Enqueue(notice);
        Calls.Enqueue("notice");
        return Task.CompletedTask;
    }

    public Task SendAsync(IReadOnlyList<DeliveryJob> jobs, CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
        {
            Sent.Enqueue(job);
        }

        Calls.Enqueue("send");
        return Task.CompletedTask;
    }

    public Task ScheduleAsync(DeliveryJob job, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        Scheduled.Enqueue((job, dueAt));
        Calls.Enqueue("schedule");
        return Task.CompletedTask;
    }

    public Task RecordDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        DeadLetters.Enqueue(deadLetter);
        Calls.Enqueue("deadLetter");
        return Task.CompletedTask;
    }

    public Task SettleAsync(CancellationToken cancellationToken)
    {
        Completions++;
        Calls.Enqueue("complete");
        return Task.CompletedTask;
    }
}
