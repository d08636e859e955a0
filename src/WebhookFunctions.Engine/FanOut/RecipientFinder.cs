using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Subscriptions.Filters;
using WebhookFunctions.Engine.Telemetry;

namespace WebhookFunctions.Engine.FanOut;

/// <summary>
/// Who receives an event: the fan-out targets of its tenant (of no tenant, for an event without one) whose event
/// types match, less those whose payload filter holds it back. Fan-out and publish's direct path both ask here.
/// </summary>
public sealed class RecipientFinder(CachingSubscriptionStore subscriptions, ILogger<RecipientFinder> logger)
{
    /// <summary>The recipients of an event in hand (publish).</summary>
    public Task<IReadOnlyList<string>> FindAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        return FindAsync(webhookEvent.TenantId, webhookEvent.Type, webhookEvent.Id, _ => Task.FromResult<WebhookEvent?>(webhookEvent), cancellationToken);
    }

    /// <summary>
    /// The recipients of a stored event known by its notice; <paramref name="loadEvent"/> is called only when a match
    /// has a payload filter. Without the event (gone from the store) there is nothing to filter on: the matches keep
    /// it, and delivery records what it records for a missing event.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindAsync(
        string? tenantId,
        string eventType,
        string eventId,
        Func<CancellationToken, Task<WebhookEvent?>> loadEvent,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loadEvent);

        // The index entries carry each match's status and payload filter, so no subscription is read here. A match
        // deleted since the index was read stays: delivery logs it as deleted.
        var matched = await subscriptions.MatchingAsync(tenantId, eventType, cancellationToken);
        var ids = matched.Select(entry => entry.SubscriptionId).ToList();
        if (!PayloadFilter.AnyFiltered(matched, entry => entry.Filter))
        {
            return ids;
        }

        var webhookEvent = await loadEvent(cancellationToken);
        if (webhookEvent is null)
        {
            logger.LogWarning("Event {EventId} was not found, so its payload filters were not applied", eventId);
            return ids;
        }

        var kept = PayloadFilter.Apply(matched, entry => entry.Filter, webhookEvent).Select(entry => entry.SubscriptionId).ToList();
        WebhookTelemetry.FilteredOut.Add(matched.Count - kept.Count);
        return kept;
    }
}
