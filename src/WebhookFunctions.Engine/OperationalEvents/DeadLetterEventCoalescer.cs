using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Engine.OperationalEvents;

/// <summary>
/// Keeps dead-letter events about one subscription to a bounded number per window, in this process: the first
/// <c>perWindow</c> of a window are sent one by one; the rest are counted, and when that window ends one event with
/// their count is sent through <c>sendSummary</c>. A window starts at the first dead letter after the last one ended
/// and lasts <c>windowLength</c>.
/// </summary>
public sealed class DeadLetterEventCoalescer(TimeProvider timeProvider, int perWindow, TimeSpan windowLength, Func<DeadLetterSummary, Task> sendSummary) : IDisposable
{
    private readonly Dictionary<string, Window> windows = new(StringComparer.Ordinal);

    /// <summary>True: send this dead letter's event now. False: it was counted into its window's summary.</summary>
    public bool Admit(Subscription subscription, DeadLetter deadLetter)
    {
        var now = timeProvider.GetUtcNow();
        lock (windows)
        {
            if (!windows.TryGetValue(subscription.Id, out var current) || now >= current.Start + windowLength)
            {
                // A window that still holds a count is flushed by its own timer, which has it; the new one replaces it here.
                windows[subscription.Id] = new Window(now, subscription);
                return true;
            }

            if (current.Sent < perWindow)
            {
                current.Sent++;
                return true;
            }

            current.Count(deadLetter, now);
            current.Timer ??= timeProvider.CreateTimer(_ => Flush(subscription.Id, current), null, current.Start + windowLength - now, Timeout.InfiniteTimeSpan);
            return false;
        }
    }

    public void Dispose()
    {
        lock (windows)
        {
            foreach (var open in windows.Values)
            {
                open.Timer?.Dispose();
            }

            windows.Clear();
        }
    }

    private void Flush(string subscriptionId, Window ended)
    {
        DeadLetterSummary summary;
        lock (windows)
        {
            if (windows.TryGetValue(subscriptionId, out var current) && ReferenceEquals(current, ended))
            {
                windows.Remove(subscriptionId);
            }

            ended.Timer?.Dispose();
            summary = ended.Summary();
        }

        _ = sendSummary(summary);
    }

    private sealed class Window(DateTimeOffset start, Subscription subscription)
    {
        private readonly Dictionary<DeadLetterReason, int> reasons = [];
        private DateTimeOffset first;
        private DateTimeOffset last;

        public DateTimeOffset Start { get; } = start;

        public int Sent { get; set; } = 1;

        public ITimer? Timer { get; set; }

        public void Count(DeadLetter deadLetter, DateTimeOffset now)
        {
            if (reasons.Count == 0)
            {
                first = now;
            }

            reasons[deadLetter.Reason] = reasons.GetValueOrDefault(deadLetter.Reason) + 1;
            last = now;
        }

        public DeadLetterSummary Summary() => new(subscription, new Dictionary<DeadLetterReason, int>(reasons), first, last);
    }
}

/// <summary>The dead letters of one subscription counted instead of sent within one window.</summary>
public sealed record DeadLetterSummary(Subscription Subscription, IReadOnlyDictionary<DeadLetterReason, int> Reasons, DateTimeOffset From, DateTimeOffset Until)
{
    public int Count => Reasons.Values.Sum();
}
