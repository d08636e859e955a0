using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Engine.Publishing;

/// <summary>
/// The two deadlines that let delivery tell a direct job whose event is still being stored from one whose publish
/// never completed. Publish gives up starting the event's write <see cref="EventWrite"/> after it queued the job, and
/// Table Storage ends any operation in flight after 30 seconds (its server-side timeout), so a direct job whose event
/// is still missing <see cref="Grace"/> after it was queued belongs to a publish that never completed: its client got
/// no 202, and there is nothing to deliver.
/// </summary>
public static class DirectPublishDeadlines
{
    public static readonly TimeSpan EventWrite = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    /// <summary>
    /// When a direct job that found no event should look again: the wait doubles from a second (an event write that is
    /// merely slow shows up within a few), and the last look is at the end of the grace. Null once the grace is over,
    /// or for a job that is not a direct publish's first attempt.
    /// </summary>
    public static DateTimeOffset? LookAgainAt(DeliveryJob job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job is not { Attempt: 1, QueuedBeforeEventAt: { } queuedAt } || now >= queuedAt + Grace)
        {
            return null;
        }

        var waited = now - queuedAt;
        var next = now + (waited > TimeSpan.FromSeconds(1) ? waited : TimeSpan.FromSeconds(1));
        return next < queuedAt + Grace ? next : queuedAt + Grace;
    }

    /// <summary>True for a direct publish's first job, whose missing event means the publish never completed.</summary>
    public static bool IsQueuedBeforeEvent(DeliveryJob job) => job is { Attempt: 1, QueuedBeforeEventAt: not null };
}
