using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Telemetry;

namespace WebhookFunctions.Engine.FanOut;

/// <summary>
/// Turns one event notice into delivery jobs for every matching enabled subscription of the event's tenant (of no
/// tenant, for an event published without one): batches of
/// <see cref="DeliveryOptions.FanOutBatchSize"/> subscription ids per job, all sent before the notice is settled.
/// A notice fanned out twice (redelivery after a crash) delivers twice; receivers dedupe on webhook-id.
/// </summary>
public sealed class FanOutService(
    RecipientFinder recipients,
    IEventStore events,
    IDeliveryQueue deliveryQueue,
    IOptions<DeliveryOptions> options,
    ILogger<FanOutService> logger)
{
    public async Task FanOutAsync(EventNotice notice, CancellationToken cancellationToken)
    {
        using var activity = WebhookTelemetry.Start("fanout", ActivityKind.Consumer, notice.TraceParent);
        activity?.SetTag("webhook.event.id", notice.EventId);

        var matching = await recipients.FindAsync(notice.TenantId, notice.EventType, notice.EventId, ct => events.GetAsync(notice.EventId, ct), cancellationToken);
        if (matching.Count == 0)
        {
            logger.LogInformation("Event {EventId} of type {EventType} matched no subscription", notice.EventId, notice.EventType);
            return;
        }

        var traceParent = activity?.Id ?? notice.TraceParent;
        var jobs = matching
            .Chunk(options.Value.FanOutBatchSize)
            .Select(ids => new DeliveryJob(notice.EventId, notice.EventType, ids, Attempt: 1, traceParent, TenantId: notice.TenantId))
            .ToList();

        await deliveryQueue.SendAsync(jobs, cancellationToken);
        WebhookTelemetry.JobsFannedOut.Add(matching.Count);
        logger.LogInformation("Event {EventId} fanned out to {SubscriptionCount} subscriptions in {JobCount} jobs", notice.EventId, matching.Count, jobs.Count);
    }
}
