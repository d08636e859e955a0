namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>
/// A topic keeps nothing visible itself: each subscription gets its own copy once a message is due. With a duplicate
/// detection window, a message whose id was sent within the window is accepted and dropped.
/// </summary>
internal sealed class BrokerTopic(string name, TimeSpan? duplicateDetectionHistoryTimeWindow)
{
    private readonly DuplicateDetectionHistory? duplicates =
        duplicateDetectionHistoryTimeWindow is { } window ? new DuplicateDetectionHistory(window) : null;

    private long lastSequenceNumber;

    public string Name => name;
    public List<BrokerEntity> Subscriptions { get; } = [];

    /// <summary>Scheduled messages wait in the topic, not in the subscriptions, until their time.</summary>
    public List<StoredMessage> Scheduled { get; } = [];

    public long NextSequenceNumber() => ++lastSequenceNumber;

    public void Publish(StoredMessage message, DateTimeOffset now)
    {
        if (duplicates?.IsDuplicate(message.MessageId, now) == true)
        {
            return;
        }

        if (message.ScheduledEnqueueTime > now)
        {
            message.IsScheduled = true;
            Scheduled.Add(message);
            return;
        }

        foreach (var subscription in Subscriptions)
        {
            subscription.Enqueue(message.Copy(), now);
        }
    }

    public void Advance(DateTimeOffset now)
    {
        foreach (var message in Scheduled.Where(message => message.ScheduledEnqueueTime <= now).ToList())
        {
            Scheduled.Remove(message);
            foreach (var subscription in Subscriptions)
            {
                subscription.Enqueue(message.Copy(), message.ScheduledEnqueueTime);
            }
        }
    }
}
