using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;

namespace WebhookFunctions.UnitTests.Fakes;

/// <summary>A dead-letter store that applies the filter as the real ones do (<see cref="DeadLetterFilter.Matches"/>) and counts its calls.</summary>
internal sealed class InMemoryDeadLetterStore : IDeadLetterStore
{
    public List<DeadLetter> Items { get; } = [];

    public int Calls { get; private set; }

    public Task<Page<DeadLetter>> ListAsync(DeadLetterFilter filter, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(new Page<DeadLetter>(Items.Where(filter.Matches).Take(limit).ToList(), null));
    }

    public async Task<ReplayCount> ReplayAsync(DeadLetterFilter filter, bool dryRun, Func<DeadLetter, CancellationToken, Task<bool>> requeue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requeue);
        Calls++;
        var matches = Items.Where(filter.Matches).ToList();
        if (dryRun)
        {
            return new ReplayCount(matches.Count, 0);
        }

        var replayed = 0;
        foreach (var deadLetter in matches)
        {
            if (await requeue(deadLetter, cancellationToken))
            {
                Items.Remove(deadLetter);
                replayed++;
            }
        }

        return new ReplayCount(matches.Count, replayed);
    }
}
