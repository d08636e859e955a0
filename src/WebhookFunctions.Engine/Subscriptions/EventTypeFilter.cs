namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>Subscription filters: an exact type, a trailing ".*" for a prefix of whole segments, or "*" for all.</summary>
public static class EventTypeFilter
{
    public static bool Matches(IReadOnlyList<string> patterns, string eventType) => throw new NotImplementedException();

    public static bool IsValidPattern(string pattern) => throw new NotImplementedException();
}
