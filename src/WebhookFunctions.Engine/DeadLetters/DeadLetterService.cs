using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Engine.DeadLetters;

/// <summary>Lists dead letters and replays them from attempt 1.</summary>
public sealed class DeadLetterService
{
    public Task<Result<Page<DeadLetter>>> ListAsync(DeadLetterFilter filter, int? limit, string? continuationToken, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Replays what matches; an inverted time range is a validation error.</summary>
    public Task<Result<ReplayCount>> ReplayAsync(DeadLetterFilter filter, bool dryRun, CancellationToken cancellationToken) => throw new NotImplementedException();
}
