using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.Storage.Queues;

/// <summary>
/// What a consumer needs to know about the messages of one queue: how to decode a body, when a message is due, and
/// which dead letters it becomes when the queue gives up on it.
/// </summary>
/// <param name="Decode">Throws <see cref="FormatException"/> for a body that is not such a message.</param>
/// <param name="DueAt">Null when the message is due as soon as it is visible.</param>
/// <param name="DeadLettersOf">The message, why the queue gave up, when it was first queued, and now.</param>
internal sealed record QueueMessageFormat<T>(
    Func<BinaryData, T> Decode,
    Func<T, DateTimeOffset?> DueAt,
    Func<T, GaveUp, IReadOnlyList<DeadLetter>> DeadLettersOf)
    where T : class;

/// <summary>Why and when a queue gave up on a message, for its dead letters.</summary>
internal sealed record GaveUp(string Why, int Deliveries, DateTimeOffset EnqueuedAt, DateTimeOffset Now);

internal static class QueueMessageFormats
{
    /// <summary>The events queue: a notice that is never fanned out becomes a fan-out dead letter.</summary>
    public static QueueMessageFormat<EventNotice> EventNotices { get; } = new(
        body => MessageCodec.DecodeEventNotice(body.ToMemory().Span),
        _ => null,
        (notice, gaveUp) => [RedeliveryLimitDeadLetters.For(notice, gaveUp.Why, gaveUp.Deliveries, gaveUp.EnqueuedAt, gaveUp.Now)]);

    /// <summary>The deliveries queue: a job whose attempt never completes becomes a delivery dead letter per subscription.</summary>
    public static QueueMessageFormat<DeliveryJob> DeliveryJobs { get; } = new(
        body => MessageCodec.DecodeDeliveryJob(body.ToMemory().Span),
        job => job.DueAt,
        (job, gaveUp) => RedeliveryLimitDeadLetters.For(job, gaveUp.Why, gaveUp.EnqueuedAt, gaveUp.Now));
}
