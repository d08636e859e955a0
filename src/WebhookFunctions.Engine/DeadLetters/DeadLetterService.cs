using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Tenants;

namespace WebhookFunctions.Engine.DeadLetters;

/// <summary>
/// Lists dead letters, purges them a page at a time, and replays them: a delivery dead letter as a job for its subscription from attempt 1, a
/// fan-out dead letter as a new event notice, so the event is fanned out again. A dead letter that could only be
/// parked again or dropped (its subscription disabled or deleted, its event gone) is not replayed and keeps its record.
/// </summary>
public sealed class DeadLetterService(
    IDeadLetterStore store,
    ISubscriptionStore subscriptions,
    IEventStore events,
    IDeliveryQueue deliveryQueue,
    IEventQueue eventQueue,
    ILogger<DeadLetterService> logger)
{
    public async Task<Result<Page<DeadLetter>>> ListAsync(DeadLetterFilter filter, int? limit, string? continuationToken, CancellationToken cancellationToken)
    {
        if (InvalidRange(filter) is { } rangeError)
        {
            return rangeError;
        }

        return await Paging.ReadAsync(limit, pageSize => store.ListAsync(filter, pageSize, continuationToken, cancellationToken));
    }

    /// <summary>
    /// Replays what matches. An inverted time range is a validation error; a subscription or event named by the filter
    /// that does not exist is not found, so a mistyped id is not answered as "nothing matched".
    /// </summary>
    public async Task<Result<ReplayReport>> ReplayAsync(DeadLetterFilter filter, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (InvalidRange(filter) is { } rangeError)
        {
            return rangeError;
        }

        var targets = new ReplayTargets(subscriptions, events);
        if (filter.SubscriptionId is { } subscriptionId && await targets.SubscriptionAsync(subscriptionId, cancellationToken) is null)
        {
            return OperationError.NotFound($"Subscription '{subscriptionId}'");
        }

        if (filter.EventId is { } eventId && !await targets.EventExistsAsync(eventId, cancellationToken))
        {
            return OperationError.NotFound($"Event '{eventId}'");
        }

        var skipped = new Dictionary<ReplaySkipCause, int>();
        if (dryRun)
        {
            var matched = await store.ReplayAsync(filter, dryRun: true, (_, _) => Task.FromResult(false), cancellationToken);
            await CountSkipsAsync(filter, matched.Matched, targets, skipped, cancellationToken);
            return Result<ReplayReport>.Success(new ReplayReport(matched.Matched, 0, skipped));
        }

        var count = await store.ReplayAsync(
            filter,
            dryRun,
            async (deadLetter, token) =>
            {
                if (await targets.SkipCauseAsync(deadLetter, token) is { } cause)
                {
                    skipped[cause] = skipped.GetValueOrDefault(cause) + 1;
                    return false;
                }

                await RequeueAsync(deadLetter, token);
                return true;
            },
            cancellationToken);
        logger.LogInformation(
            "Dead-letter replay matched {Matched}, replayed {Replayed}, skipped {Skipped} (dry run: {DryRun})",
            count.Matched,
            count.Replayed,
            string.Join(", ", skipped.Select(s => $"{s.Key}: {s.Value}")),
            dryRun);
        return Result<ReplayReport>.Success(new ReplayReport(count.Matched, count.Replayed, skipped));
    }

    /// <summary>
    /// Purges one page of what matches (at most <paramref name="limit"/> dead letters, the listing's page sizes) and
    /// returns the token for the rest. A <see cref="DeadLetterFilter.SubscriptionId"/> naming no subscription is not
    /// found, as in replay, unless dead letters of it matched: those of a deleted subscription can only ever be purged.
    /// The check is made on the first call alone, so the last page of a purge that emptied the store is not a 404.
    /// </summary>
    public async Task<Result<PurgeReport>> PurgeAsync(DeadLetterFilter filter, int? limit, string? continuationToken, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (InvalidRange(filter) is { } rangeError)
        {
            return rangeError;
        }

        var purge = await Paging.RunAsync(limit, pageSize => store.PurgeAsync(filter, pageSize, continuationToken, dryRun, cancellationToken));
        if (purge.Value is not { } report)
        {
            return purge;
        }

        if (report is { Matched: 0, ContinuationToken: null } && continuationToken is null
            && filter.SubscriptionId is { } subscriptionId && await subscriptions.GetAsync(subscriptionId, cancellationToken) is null)
        {
            return OperationError.NotFound($"Subscription '{subscriptionId}'");
        }

        logger.LogInformation(
            "Dead-letter purge matched {Matched}, purged {Purged} (dry run: {DryRun}, more to look at: {More})",
            report.Matched,
            report.Purged,
            dryRun,
            report.ContinuationToken is not null);
        return Result<PurgeReport>.Success(report);
    }

    /// <summary>
    /// What a replay of the same filter would skip, by cause: the matches are listed (the first
    /// <paramref name="matched"/> of them, the ones the dry run counted) and each is judged as a replay would judge it.
    /// </summary>
    private async Task CountSkipsAsync(DeadLetterFilter filter, int matched, ReplayTargets targets, Dictionary<ReplaySkipCause, int> skipped, CancellationToken cancellationToken)
    {
        var (seen, continuationToken) = (0, (string?)null);
        do
        {
            var page = await store.ListAsync(filter, Paging.MaxLimit, continuationToken, cancellationToken);
            foreach (var deadLetter in page.Items.Take(matched - seen))
            {
                if (await targets.SkipCauseAsync(deadLetter, cancellationToken) is { } cause)
                {
                    skipped[cause] = skipped.GetValueOrDefault(cause) + 1;
                }
            }

            seen += page.Items.Count;
            continuationToken = page.ContinuationToken;
        }
        while (continuationToken is not null && seen < matched);
    }

    // A fan-out dead letter reaches the subscriptions that match at replay, not those of the first try: the event was
    // never fanned out, so there is no earlier set of targets to keep. Resent, not sent: the first notice of the same
    // event may still be inside the events topic's duplicate-detection window.
    private Task RequeueAsync(DeadLetter deadLetter, CancellationToken cancellationToken) => deadLetter switch
    {
        { Stage: DeadLetterStage.FanOut } => eventQueue.ResendAsync(new EventNotice(deadLetter.EventId, deadLetter.EventType, deadLetter.TraceParent, deadLetter.TenantId), cancellationToken),
        { SubscriptionId: { } subscriptionId } => deliveryQueue.SendAsync(
            [new DeliveryJob(deadLetter.EventId, deadLetter.EventType, [subscriptionId], Attempt: 1, deadLetter.TraceParent, TenantId: deadLetter.TenantId)],
            cancellationToken),
        _ => throw new InvalidOperationException($"Delivery dead letter of event {deadLetter.EventId} names no subscription."),
    };

    private static OperationError? InvalidRange(DeadLetterFilter filter) =>
        filter is { Since: { } since, Until: { } until } && since >= until
            ? OperationError.Invalid("until", "until must be later than since.")
            : TenantIds.CheckFilter(filter.TenantId);
}
