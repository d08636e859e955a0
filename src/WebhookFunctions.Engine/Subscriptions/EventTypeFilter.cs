using WebhookFunctions.Engine.Events;

namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>Subscription filters: an exact type, a trailing ".*" for a prefix of whole segments, or "*" for all.</summary>
public static class EventTypeFilter
{
    public const string All = "*";

    private const string PrefixSuffix = ".*";

    public static bool Matches(IReadOnlyList<string> patterns, string eventType)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentNullException.ThrowIfNull(eventType);

        for (var i = 0; i < patterns.Count; i++)
        {
            if (Matches(patterns[i], eventType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Every pattern that matches <paramref name="eventType"/>, and no other: the type itself, "a.*" for each proper
    /// prefix of whole segments ("a.*" and "a.b.*" for "a.b.c"), and "*". So the subscribers of a type are found by
    /// looking these patterns up directly, at most one lookup per segment plus two, whatever the number of subscriptions.
    /// </summary>
    public static IReadOnlyList<string> CandidatePatterns(string eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        var patterns = new List<string> { eventType };
        for (var dot = eventType.IndexOf('.', StringComparison.Ordinal); dot >= 0; dot = eventType.IndexOf('.', dot + 1))
        {
            patterns.Add(string.Concat(eventType.AsSpan(0, dot), PrefixSuffix));
        }

        patterns.Add(All);
        return patterns;
    }

    public static bool IsValidPattern(string pattern) =>
        pattern is not null
        && (pattern == All
            || EventTypeName.IsValid(pattern)
            || (pattern.EndsWith(PrefixSuffix, StringComparison.Ordinal) && EventTypeName.IsValid(pattern.AsSpan(0, pattern.Length - PrefixSuffix.Length))));

    private static bool Matches(string pattern, string eventType)
    {
        if (pattern == All)
        {
            return true;
        }

        if (pattern.EndsWith(PrefixSuffix, StringComparison.Ordinal))
        {
            // "order.*" keeps its dot as the prefix "order.", so "orders.created" and "order" itself do not match.
            var prefix = pattern.AsSpan(0, pattern.Length - 1);
            return eventType.Length > prefix.Length && eventType.AsSpan().StartsWith(prefix, StringComparison.Ordinal);
        }

        return string.Equals(pattern, eventType, StringComparison.Ordinal);
    }
}
