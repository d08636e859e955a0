using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.Engine.DeadLetters;

/// <summary>Lists dead letters and replays them from attempt 1.</summary>
public sealed class DeadLetterService(IDeadLetterStore store, IDeliveryQueue deliveryQueue, ILogger<DeadLetterService> logger)
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

    private Task RequeueAsync(DeadLetter deadLetter, CancellationToken cancellationToken) =>
        deliveryQueue.SendAsync([new DeliveryJob(deadLetter.EventId, deadLetter.EventType, [deadLetter.SubscriptionId], Attempt: 1, deadLetter.TraceParent)], cancellationToken);

    private static OperationError? InvalidRange(DeadLetterFilter filter) =>
        filter is { Since: { } since, Until: { } until } && since >= until
            ? OperationError.Invalid("until", "until must be later than since.")
            : null;
}
