namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>
/// The message ids a topic with RequiresDuplicateDetection was sent within its history window. As on Service Bus, only
/// the MessageId counts, and scheduled messages are included: a scheduled send and a plain one with the same id within
/// the window are duplicates, whichever came first. An id is remembered from its send, a scheduled one's too (the
/// documentation leaves open whether the broker counts from the send or the scheduled time; no test depends on it).
/// </summary>
internal sealed class DuplicateDetectionHistory
{
    /// <summary>Service Bus accepts windows from 20 seconds to 7 days.</summary>
    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(20);

    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);

    private readonly Dictionary<string, DateTimeOffset> sentAt = new(StringComparer.Ordinal);

    public DuplicateDetectionHistory(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, MinWindow);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, MaxWindow);
        Window = window;
    }

    public TimeSpan Window { get; }

    /// <summary>
    /// True when <paramref name="messageId"/> was sent within the window before <paramref name="now"/>: the send
    /// succeeds and the message is dropped. Otherwise the id is remembered from now. A message without an id is never
    /// a duplicate.
    /// </summary>
    public bool IsDuplicate(string? messageId, DateTimeOffset now)
    {
        foreach (var (id, sentAt) in sentAt.Where(entry => now - entry.Value >= Window).ToList())
        {
            this.sentAt.Remove(id);
        }

        if (messageId is null)
        {
            return false;
        }

        if (sentAt.ContainsKey(messageId))
        {
            return true;
        }

        sentAt[messageId] = now;
        return false;
    }
}
