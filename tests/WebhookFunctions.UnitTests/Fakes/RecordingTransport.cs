using System.Collections.Concurrent;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.UnitTests.Fakes;

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
