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
    /// returned true (it was requeued); one it returned false for keeps its record as it was. With
    /// <paramref name="dryRun"/> nothing is passed to <paramref name="requeue"/> or removed: the matches are counted.
    /// </summary>
    Task<ReplayCount> ReplayAsync(DeadLetterFilter filter, bool dryRun, Func<DeadLetter, CancellationToken, Task<bool>> requeue, CancellationToken cancellationToken);
}

/// <summary>How many dead letters matched, and how many of them were requeued and removed.</summary>
public sealed record ReplayCount(int Matched, int Replayed);
