using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Subscriptions.Filters;
using WebhookFunctions.Engine.Telemetry;

namespace WebhookFunctions.Engine.FanOut;

/// <summary>
/// Turns one event notice into delivery jobs for every matching enabled subscription of the event's tenant (of no
/// tenant, for an event published without one): batches of
/// <see cref="DeliveryOptions.FanOutBatchSize"/> subscription ids per job, all sent before the notice is settled.
/// A notice fanned out twice (redelivery after a crash) delivers twice; receivers dedupe on webhook-id.
/// </summary>
public sealed class FanOutService(
    CachingSubscriptionStore subscriptions,
    IEventStore events,
    IDeliveryQueue deliveryQueue,
    IOptions<DeliveryOptions> options,
    ILogger<FanOutService> logger)
{
    public async Task FanOutAsync(EventNotice notice, CancellationToken cancellationToken)
    {
        using var activity = WebhookTelemetry.Start("fanout", ActivityKind.Consumer, notice.TraceParent);
        activity?.SetTag("webhook.event.id", notice.EventId);

        var matched = await subscriptions.MatchingAsync(notice.TenantId, notice.EventType, cancellationToken);
        var matching = await ApplyPayloadFiltersAsync(notice, matched, cancellationToken);
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

    // The index entries carry each match's status and payload filter, so no subscription is read here. The event is
    // read only when a match has a filter. Without the event (gone from the store) there is nothing to filter on; the
    // matches keep it, and delivery records what it records for a missing event. A match deleted since the index was
    // read stays too: delivery logs it as deleted.
    private async Task<IReadOnlyList<string>> ApplyPayloadFiltersAsync(EventNotice notice, IReadOnlyList<SubscriptionIndexEntry> matched, CancellationToken cancellationToken)
    {
        var ids = matched.Select(entry => entry.SubscriptionId).ToList();
        if (!PayloadFilter.AnyFiltered(matched, entry => entry.Filter))
        {
            return ids;
        }

        var webhookEvent = await events.GetAsync(notice.EventId, cancellationToken);
        if (webhookEvent is null)
        {
            logger.LogWarning("Event {EventId} was not found, so its payload filters were not applied", notice.EventId);
            return ids;
        }

        var kept = PayloadFilter.Apply(matched, entry => entry.Filter, webhookEvent).Select(entry => entry.SubscriptionId).ToList();
        WebhookTelemetry.FilteredOut.Add(matched.Count - kept.Count);
        return kept;
    }
}
