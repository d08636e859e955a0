using System.Collections.Concurrent;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>In-memory adapters of the ports the delivery path touches, so section (2) measures the engine alone.</summary>
internal sealed class InMemoryEventStore : IEventStore
{
    private readonly ConcurrentDictionary<string, WebhookEvent> events = new(StringComparer.Ordinal);

    public Task<bool> TryAddAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
        Task.FromResult(events.TryAdd(webhookEvent.Id, webhookEvent));

    public Task<WebhookEvent?> GetAsync(string eventId, CancellationToken cancellationToken) =>
        Task.FromResult(events.GetValueOrDefault(eventId));

    public Task MarkNoticeQueuedAsync(string eventId, CancellationToken cancellationToken)
    {
        events.AddOrUpdate(eventId, _ => throw new KeyNotFoundException(eventId), (_, stored) => stored with { NoticeQueued = true });
        return Task.CompletedTask;
    }
}

internal sealed class InMemorySubscriptionStore : ISubscriptionStore
{
    private readonly ConcurrentDictionary<string, Subscription> subscriptions = new(StringComparer.Ordinal);

    public Task<Subscription> AddAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var stored = subscription with { ETag = Guid.NewGuid().ToString("N") };
        subscriptions[subscription.Id] = stored;
        return Task.FromResult(stored);
    }

    public Task<Subscription?> GetAsync(string subscriptionId, CancellationToken cancellationToken) =>
        Task.FromResult(subscriptions.GetValueOrDefault(subscriptionId));

    public Task<Page<Subscription>> ListAsync(int limit, string? continuationToken, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<Subscription>(subscriptions.Values.OrderBy(s => s.Id, StringComparer.Ordinal).Take(limit).ToList(), null));

    public Task<IReadOnlyList<Subscription>> ListAllAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Subscription>>(subscriptions.Values.ToList());

    public Task<Subscription> ReplaceAsync(Subscription subscription, string ifMatch, CancellationToken cancellationToken)
    {
        var stored = subscription with { ETag = Guid.NewGuid().ToString("N") };
        subscriptions[subscription.Id] = stored;
        return Task.FromResult(stored);
    }

    public Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken) =>
        Task.FromResult(subscriptions.TryRemove(subscriptionId, out _));
}

internal sealed class CountingDeliveryQueue : IDeliveryQueue
{
    private long scheduled;

    public long Scheduled => Interlocked.Read(ref scheduled);

    public Task SendAsync(IReadOnlyList<DeliveryJob> jobs, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref scheduled, jobs.Count);
        return Task.CompletedTask;
    }

    public Task ScheduleAsync(DeliveryJob job, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref scheduled);
        return Task.CompletedTask;
    }
}

/// <summary>Keeps only the counts of what was logged: the benchmark runs for minutes.</summary>
internal sealed class CountingDeliveryLog : IDeliveryLog
{
    private long delivered;
    private long other;

    public long Delivered => Interlocked.Read(ref delivered);

    public long Other => Interlocked.Read(ref other);

    public Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        foreach (var attempt in attempts)
        {
            Interlocked.Increment(ref attempt.Outcome == AttemptOutcome.Delivered ? ref delivered : ref other);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeliveryAttempt>> ListForEventAsync(string eventId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeliveryAttempt>>([]);

    public Task<Page<DeliveryAttempt>> ListForSubscriptionAsync(string subscriptionId, int limit, string? continuationToken, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<DeliveryAttempt>([], null));
}

internal sealed class NoSettlement : IDeliverySettlement
{
    public static readonly NoSettlement Instance = new();

    public Task RecordDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SettleAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
