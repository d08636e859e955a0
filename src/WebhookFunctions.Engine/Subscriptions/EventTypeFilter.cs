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
