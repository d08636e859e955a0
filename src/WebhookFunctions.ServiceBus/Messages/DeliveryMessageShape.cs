using System.Globalization;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.ServiceBus.Messages;

/// <summary>
/// Delivery jobs on the Service Bus deliveries queue: one message per subscription, because Service Bus dead-letters
/// whole messages and a dead letter names one subscription.
/// </summary>
internal static class DeliveryMessageShape
{
    /// <summary>The job split into one job per subscription id, in order (the job itself when it names one).</summary>
    public static IReadOnlyList<DeliveryJob> PerSubscription(DeliveryJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.SubscriptionIds.Count == 1
            ? [job]
            : job.SubscriptionIds.Select(id => job with { SubscriptionIds = [id] }).ToList();
    }

    /// <summary>
    /// The message for a single-subscription job. Its id, "{eventId}:{subscriptionId}:{attempt}", is the same each
    /// time the same attempt is enqueued, so duplicate detection can drop a second copy.
    /// </summary>
    /// <param name="scheduledEnqueueTime">When the message becomes visible; null to send it now.</param>
    /// <exception cref="ArgumentException">The job names more or fewer than one subscription.</exception>
    public static ServiceBusMessageShape For(DeliveryJob job, DateTimeOffset? scheduledEnqueueTime = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.SubscriptionIds.Count != 1)
        {
            throw new ArgumentException(
                $"A Service Bus delivery message carries one subscription; this job names {job.SubscriptionIds.Count}. Split it with {nameof(PerSubscription)} first.",
                nameof(job));
        }

        var subscriptionId = job.SubscriptionIds[0];
        var properties = new Dictionary<string, object>
        {
            [ServiceBusPropertyNames.EventId] = job.EventId,
            [ServiceBusPropertyNames.SubscriptionId] = subscriptionId,
            [ServiceBusPropertyNames.EventType] = job.EventType,
            [ServiceBusPropertyNames.Attempt] = job.Attempt,
        };
        if (job.TraceParent is not null)
        {
            properties[ServiceBusPropertyNames.TraceParent] = job.TraceParent;
        }

        if (job.TenantId is not null)
        {
            properties[ServiceBusPropertyNames.TenantId] = job.TenantId;
        }

        var messageId = string.Create(CultureInfo.InvariantCulture, $"{job.EventId}:{subscriptionId}:{job.Attempt}");
        return new ServiceBusMessageShape(
            MessageIds.Bounded(messageId),
            job.EventType,
            ServiceBusMessageShape.JsonContentType,
            MessageCodec.Encode(job),
            properties,
            scheduledEnqueueTime);
    }
}
