using System.Collections.Concurrent;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.IntegrationTests.SubscriptionIndex;

/// <summary>A delivery queue that keeps the jobs fan-out sends, so a test reads whom an event was fanned out to.</summary>
internal sealed class CollectedDeliveryJobs : IDeliveryQueue
{
    public ConcurrentQueue<DeliveryJob> Sent { get; } = new();

    public IReadOnlyList<string> SubscriptionIds => Sent.SelectMany(job => job.SubscriptionIds).ToList();

    public Task SendAsync(IReadOnlyList<DeliveryJob> jobs, CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
        {
            Sent.Enqueue(job);
        }

        return Task.CompletedTask;
    }

    public Task ScheduleAsync(DeliveryJob job, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Fan-out sends jobs now; it schedules none.");
}
