using System.Collections.Concurrent;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>Counting and no-op adapters of the transport ports, so section (2) measures the engine alone (the stores are the test kit's).</summary>
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

    public Task<IReadOnlyList<DeliveryAttempt>> ListForEventAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
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
