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
        var pageSize = Paging.Resolve(limit);
        if (!pageSize.Succeeded)
        {
            return pageSize.Error!;
        }

        if (InvalidRange(filter) is { } rangeError)
        {
            return rangeError;
        }

        try
        {
            return Result<Page<DeadLetter>>.Success(await store.ListAsync(filter, pageSize.Value, continuationToken, cancellationToken));
        }
        catch (InvalidContinuationTokenException ex)
        {
            return OperationError.Invalid("continuationToken", ex.Message);
        }
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
