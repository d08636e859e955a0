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

    /// <summary>
    /// Removes the page of dead letters that <see cref="ListAsync"/> returns for the same filter, limit and token, and
    /// hands back the token that listing would: a purge continues exactly where the listing of its filter does.
    /// A record that changed since it was read (a newer dead letter of the same delivery) or was taken meanwhile (by a
    /// replay) is matched but not purged. With <paramref name="dryRun"/> the page is counted and nothing is removed.
    /// </summary>
    /// <exception cref="InvalidContinuationTokenException">The token did not come from this filter's listing or purge.</exception>
    Task<PurgeReport> PurgeAsync(DeadLetterFilter filter, int limit, string? continuationToken, bool dryRun, CancellationToken cancellationToken);
}

/// <summary>How many dead letters matched, and how many of them were requeued and removed.</summary>
public sealed record ReplayCount(int Matched, int Replayed);
