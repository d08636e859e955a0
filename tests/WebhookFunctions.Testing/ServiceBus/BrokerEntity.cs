namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>A queue or a subscription: its messages in sequence-number order and its dead-letter sub-queue.</summary>
internal sealed class BrokerEntity(string path, EntityOptions options)
{
    internal const string MaxDeliveryCountExceeded = "MaxDeliveryCountExceeded";
    internal const string TtlExpired = "TTLExpiredException";
    internal const string DeadLetterReasonProperty = "DeadLetterReason";
    internal const string DeadLetterErrorDescriptionProperty = "DeadLetterErrorDescription";

    private long lastSequenceNumber;

    public string Path => path;
    public EntityOptions Options => options;
    public SortedDictionary<long, StoredMessage> Messages { get; } = [];
    public SortedDictionary<long, StoredMessage> DeadLetters { get; } = [];

    /// <summary>Only queues number their own messages; a subscription's copies keep the topic's numbers.</summary>
    public long NextSequenceNumber() => ++lastSequenceNumber;

    public void Enqueue(StoredMessage message, DateTimeOffset now)
    {
        if (message.TimeToLive > options.DefaultMessageTimeToLive)
        {
            message.TimeToLive = options.DefaultMessageTimeToLive;
        }

        message.EnqueuedTime = now;
        message.IsScheduled = message.ScheduledEnqueueTime > now;
        Messages.Add(message.SequenceNumber, message);
    }

    /// <summary>What time alone changes: scheduled messages come due, locks run out, messages expire.</summary>
    public IEnumerable<Guid> Advance(DateTimeOffset now)
    {
        var released = new List<Guid>();
        foreach (var message in Messages.Values.ToList())
        {
            if (message.IsScheduled && message.ScheduledEnqueueTime <= now)
            {
                message.IsScheduled = false;
                message.EnqueuedTime = message.ScheduledEnqueueTime;
            }

            if (message.IsLocked && message.LockedUntil <= now)
            {
                released.Add(message.LockToken);
                Release(message);
            }
            else if (!message.IsLocked && !message.IsScheduled && message.ExpiresAt <= now && Messages.ContainsKey(message.SequenceNumber))
            {
                Messages.Remove(message.SequenceNumber);
                if (options.DeadLetteringOnMessageExpiration)
                {
                    DeadLetter(message, null, TtlExpired, "The message expired and was dead lettered.");
                }
            }
        }

        foreach (var message in DeadLetters.Values.Where(message => message.IsLocked && message.LockedUntil <= now))
        {
            released.Add(message.LockToken);
            message.LockToken = Guid.Empty;
        }

        return released;
    }

    /// <summary>
    /// The lock ends without a settlement (abandon or expiry): the message is available again, unless this was its
    /// last permitted delivery; then the broker dead-letters it itself.
    /// </summary>
    public void Release(StoredMessage message)
    {
        message.LockToken = Guid.Empty;
        if (Messages.ContainsKey(message.SequenceNumber) && message.DeliveryCount >= options.MaxDeliveryCount)
        {
            Messages.Remove(message.SequenceNumber);
            DeadLetter(message, null, MaxDeliveryCountExceeded, $"Message could not be consumed after {options.MaxDeliveryCount} delivery attempts.");
        }
    }

    /// <summary>Into the dead-letter sub-queue, keeping its sequence number; reason and description become properties.</summary>
    public void DeadLetter(StoredMessage message, IEnumerable<KeyValuePair<string, object>>? properties, string? reason, string? description)
    {
        message.LockToken = Guid.Empty;
        message.Merge(properties);
        if (reason is not null)
        {
            message.Properties[DeadLetterReasonProperty] = reason;
        }

        if (description is not null)
        {
            message.Properties[DeadLetterErrorDescriptionProperty] = description;
        }

        DeadLetters.Add(message.SequenceNumber, message);
    }
}
