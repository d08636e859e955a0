using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.Engine.DeadLetters;

/// <summary>
/// The dead letters a message becomes when its transport stops redelivering it before the engine finished with it
/// (the self-hosted queue's MaxDequeueCount, Service Bus's MaxDeliveryCount): a crash on every try, or a failure
/// that is not a transient fault. Both transports list them through the API, so nothing accepted leaves its view.
/// </summary>
public static class RedeliveryLimitDeadLetters
{
    /// <summary>An event notice that was never fanned out: one fan-out dead letter, which replay fans out again.</summary>
    /// <param name="why">What the transport says, e.g. "received 21 times without being completed".</param>
    /// <param name="deliveries">How often the transport handed the notice to fan-out.</param>
    /// <param name="enqueuedAt">When the notice was first queued: the earliest fan-out could have begun.</param>
    public static DeadLetter For(EventNotice notice, string why, int deliveries, DateTimeOffset enqueuedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return new DeadLetter(
            notice.EventId,
            SubscriptionId: null,
            notice.EventType,
            DeadLetterReason.MaxAttemptsExceeded,
            $"The event was not fanned out: its notice was {why}. Replay fans it out again, to the subscriptions that match then.",
            deliveries,
            enqueuedAt,
            now,
            LastStatusCode: null,
            LastError: null,
            notice.TraceParent,
            DeadLetterStage.FanOut,
            notice.TenantId);
    }

    /// <summary>A delivery job whose attempt never completed: one delivery dead letter per subscription it names.</summary>
    /// <param name="why">What the transport says, e.g. "received 21 times without being completed".</param>
    /// <param name="enqueuedAt">When the job was queued; the first attempt when the job does not carry it.</param>
    public static IReadOnlyList<DeadLetter> For(DeliveryJob job, string why, DateTimeOffset enqueuedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.SubscriptionIds
            .Select(subscriptionId => new DeadLetter(
                job.EventId,
                subscriptionId,
                job.EventType,
                DeadLetterReason.MaxAttemptsExceeded,
                $"Attempt {job.Attempt} never completed: the delivery message was {why}. Replay delivers it again from attempt 1.",
                Attempts: job.Attempt - 1,
                job.FirstAttemptAt ?? enqueuedAt,
                now,
                job.LastStatusCode,
                job.LastError,
                job.TraceParent,
                TenantId: job.TenantId))
            .ToList();
    }
}
