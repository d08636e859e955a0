namespace WebhookFunctions.Storage.Queues;

/// <summary>The Storage Queue service's limits, and how a due time becomes a visibility delay within them.</summary>
internal static class QueueLimits
{
    /// <summary>The longest initial visibility timeout the service accepts; later due times are re-delayed on receipt.</summary>
    public static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7);

    /// <summary>Messages never expire: the default time-to-live (7 days) would silently drop a long-delayed retry.</summary>
    public static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    /// <summary>The body before base64 (64 KiB on the wire, base64 adds a third).</summary>
    public const int MaxBodyBytes = 48 * 1024;

    /// <summary>The service counts visibility in whole seconds: the smallest delay a queue can give a message.</summary>
    public static readonly TimeSpan VisibilityGranularity = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The visibility delay for a message due at <paramref name="dueAt"/>: zero once due, else the time left rounded
    /// up to whole seconds, so the message never becomes visible before it is due (a retry 0.3 s ahead waits 1 s).
    /// </summary>
    public static TimeSpan DelayUntil(DateTimeOffset dueAt, DateTimeOffset now)
    {
        var delay = dueAt - now;
        if (delay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var seconds = TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds));
        return seconds > MaxVisibilityDelay ? MaxVisibilityDelay : seconds;
    }

    public static BinaryData CheckedBody(byte[] body, string what) =>
        body.Length <= MaxBodyBytes
            ? new BinaryData(body)
            : throw new ArgumentException($"The {what} message is {body.Length} bytes; a queue message holds at most {MaxBodyBytes}.");
}
