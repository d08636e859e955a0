using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Engine.DeadLetters;

/// <summary>
/// Port: where dead letters are parked (a table self-hosted, the queue's dead-letter sub-queue on Service Bus).
/// </summary>
public interface IDeadLetterStore
{
    /// <exception cref="InvalidContinuationTokenException">The token did not come from this listing.</exception>
    Task<Page<DeadLetter>> ListAsync(DeadLetterFilter filter, int limit, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>
    /// Hands every matching dead letter to <paramref name="requeue"/> and removes it from the store only after that
    /// returned. Returns how many matched (with <paramref name="dryRun"/>, nothing is requeued or removed).
    /// </summary>
    Task<ReplayCount> ReplayAsync(DeadLetterFilter filter, bool dryRun, Func<DeadLetter, CancellationToken, Task> requeue, CancellationToken cancellationToken);
}

public sealed record ReplayCount(int Matched, int Replayed);
