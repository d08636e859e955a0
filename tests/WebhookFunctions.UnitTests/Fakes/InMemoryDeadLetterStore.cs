using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;

namespace WebhookFunctions.UnitTests.Fakes;

/// <summary>
/// A dead-letter store that applies the filter as the real ones do (<see cref="DeadLetterFilter.Matches"/>) and pages
/// as they do: by key (here the position of an item in <see cref="Items"/>, which removing earlier items does not
/// move past), with a token naming the first item of the next page.
/// </summary>
internal sealed class InMemoryDeadLetterStore : IDeadLetterStore
{
    private const string TokenPrefix = "next:";

    public List<DeadLetter> Items { get; } = [];

    public int Calls { get; private set; }

    public Task<Page<DeadLetter>> ListAsync(DeadLetterFilter filter, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        Calls++;
        var (page, next) = PageOf(filter, limit, continuationToken);
        return Task.FromResult(new Page<DeadLetter>(page, next));
    }

    public Task<PurgeReport> PurgeAsync(DeadLetterFilter filter, int limit, string? continuationToken, bool dryRun, CancellationToken cancellationToken)
    {
        Calls++;
        var (page, next) = PageOf(filter, limit, continuationToken);
        var purged = dryRun ? 0 : page.Count(Items.Remove);
        return Task.FromResult(new PurgeReport(page.Count, purged, next));
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

    private (List<DeadLetter> Page, string? Next) PageOf(DeadLetterFilter filter, int limit, string? continuationToken)
    {
        var from = continuationToken switch
        {
            null => null,
            _ when continuationToken.StartsWith(TokenPrefix, StringComparison.Ordinal) => continuationToken[TokenPrefix.Length..],
            _ => throw new InvalidContinuationTokenException("Not a token of this store."),
        };
        var matches = Items
            .Where(filter.Matches)
            .Where(deadLetter => from is null || string.CompareOrdinal(Key(deadLetter), from) >= 0)
            .OrderBy(Key, StringComparer.Ordinal)
            .ToList();
        var page = matches.Take(limit).ToList();
        return (page, matches.Count > limit ? TokenPrefix + Key(matches[limit]) : null);
    }

    private static string Key(DeadLetter deadLetter) => $"{deadLetter.SubscriptionId}/{deadLetter.EventId}";
}
