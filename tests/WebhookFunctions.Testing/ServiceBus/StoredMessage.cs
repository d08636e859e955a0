using Azure.Messaging.ServiceBus;

namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>A message as the broker holds it: what the sender set (copied when it was accepted) and its broker state.</summary>
internal sealed class StoredMessage
{
    private StoredMessage(ServiceBusMessage message)
    {
        Body = message.Body;
        MessageId = message.MessageId;
        Subject = message.Subject;
        ContentType = message.ContentType;
        CorrelationId = message.CorrelationId;
        SessionId = message.SessionId;
        PartitionKey = message.PartitionKey;
        ReplyTo = message.ReplyTo;
        ReplyToSessionId = message.ReplyToSessionId;
        To = message.To;
        TimeToLive = message.TimeToLive;
        ScheduledEnqueueTime = message.ScheduledEnqueueTime;
        Properties = AmqpPropertyValues.ReceivedCopy(message.ApplicationProperties);
    }

    private StoredMessage(StoredMessage other)
    {
        Body = other.Body;
        MessageId = other.MessageId;
        Subject = other.Subject;
        ContentType = other.ContentType;
        CorrelationId = other.CorrelationId;
        SessionId = other.SessionId;
        PartitionKey = other.PartitionKey;
        ReplyTo = other.ReplyTo;
        ReplyToSessionId = other.ReplyToSessionId;
        To = other.To;
        TimeToLive = other.TimeToLive;
        ScheduledEnqueueTime = other.ScheduledEnqueueTime;
        Properties = new Dictionary<string, object>(other.Properties);
        SequenceNumber = other.SequenceNumber;
        EnqueuedTime = other.EnqueuedTime;
        IsScheduled = other.IsScheduled;
    }

    public BinaryData Body { get; }
    public string? MessageId { get; }
    public string? Subject { get; }
    public string? ContentType { get; }
    public string? CorrelationId { get; }
    public string? SessionId { get; }
    public string? PartitionKey { get; }
    public string? ReplyTo { get; }
    public string? ReplyToSessionId { get; }
    public string? To { get; }
    public Dictionary<string, object> Properties { get; }

    public TimeSpan TimeToLive { get; set; }
    public DateTimeOffset ScheduledEnqueueTime { get; }
    public long SequenceNumber { get; set; }
    public DateTimeOffset EnqueuedTime { get; set; }

    /// <summary>Accepted for later: invisible to receivers (peek shows it as Scheduled) until its time comes.</summary>
    public bool IsScheduled { get; set; }

    public int DeliveryCount { get; set; }
    public Guid LockToken { get; set; }
    public DateTimeOffset LockedUntil { get; set; }
    public bool IsLocked => LockToken != Guid.Empty;

    public DateTimeOffset ExpiresAt =>
        TimeToLive == TimeSpan.MaxValue || EnqueuedTime > DateTimeOffset.MaxValue - TimeToLive ? DateTimeOffset.MaxValue : EnqueuedTime + TimeToLive;

    public static StoredMessage Accept(ServiceBusMessage message) => new(message);

    /// <summary>The copy a topic hands each subscription.</summary>
    public StoredMessage Copy() => new(this);

    public void Merge(IEnumerable<KeyValuePair<string, object>>? properties)
    {
        foreach (var (name, value) in AmqpPropertyValues.ReceivedCopy(properties ?? []))
        {
            Properties[name] = value;
        }
    }

    public ServiceBusReceivedMessage ToReceived(Guid lockToken = default) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: Body,
            messageId: MessageId,
            partitionKey: PartitionKey,
            sessionId: SessionId,
            replyToSessionId: ReplyToSessionId,
            timeToLive: TimeToLive,
            correlationId: CorrelationId,
            subject: Subject,
            to: To,
            contentType: ContentType,
            replyTo: ReplyTo,
            scheduledEnqueueTime: ScheduledEnqueueTime,
            properties: new Dictionary<string, object>(Properties),
            lockTokenGuid: lockToken,
            deliveryCount: DeliveryCount,
            lockedUntil: IsLocked ? LockedUntil : default,
            sequenceNumber: SequenceNumber,
            enqueuedTime: EnqueuedTime,
            serviceBusMessageState: IsScheduled ? ServiceBusMessageState.Scheduled : ServiceBusMessageState.Active);
}
