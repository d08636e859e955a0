using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Tenants;

namespace WebhookFunctions.Engine.DeadLetters;

/// <summary>
/// Lists dead letters and replays them: a delivery dead letter as a job for its subscription from attempt 1, a
/// fan-out dead letter as a new event notice, so the event is fanned out again.
/// </summary>
public sealed class DeadLetterService(IDeadLetterStore store, IDeliveryQueue deliveryQueue, IEventQueue eventQueue, ILogger<DeadLetterService> logger)
{
    public async Task<Result<Page<DeadLetter>>> ListAsync(DeadLetterFilter filter, int? limit, string? continuationToken, CancellationToken cancellationToken)
    {
        if (InvalidRange(filter) is { } rangeError)
        {
            return rangeError;
        }

        return await Paging.ReadAsync(limit, pageSize => store.ListAsync(filter, pageSize, continuationToken, cancellationToken));
    }

    /// <summary>Replays what matches; an inverted time range is a validation error.</summary>
    public async Task<Result<ReplayCount>> ReplayAsync(DeadLetterFilter filter, bool dryRun, CancellationToken cancellationToken)
    {
        if (InvalidRange(filter) is { } rangeError)
        {
            return rangeError;
        }

        var count = await store.ReplayAsync(filter, dryRun, RequeueAsync, cancellationToken);
        logger.LogInformation("Dead-letter replay matched {Matched}, replayed {Replayed} (dry run: {DryRun})", count.Matched, count.Replayed, dryRun);
        return Result<ReplayCount>.Success(count);
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
