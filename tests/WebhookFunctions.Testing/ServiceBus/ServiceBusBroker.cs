using Azure.Messaging.ServiceBus;

namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>
/// An in-memory Service Bus namespace for tests, reached through the SDK's own types (<see cref="CreateClient"/>) or,
/// as the Functions host reaches it, one message at a time (<see cref="ReceiveNext"/> and the settlements by lock
/// token). It keeps the broker's semantics: a topic copies each message to every subscription; peek-lock receive,
/// complete, abandon and lock expiry with redelivery (DeliveryCount counts deliveries); dead-lettering into the
/// entity's dead-letter sub-queue with DeadLetterReason and DeadLetterErrorDescription as application properties;
/// after MaxDeliveryCount deliveries the broker dead-letters a message itself (MaxDeliveryCountExceeded), and expired
/// messages too (TTLExpiredException) where the entity says so; scheduled messages stay invisible until due;
/// sequence numbers per entity, kept in the dead-letter sub-queue; peek from a sequence number; batches and sends
/// limited by the SDK's own encoded size; duplicate detection on topics (a message id sent within the window is
/// accepted and dropped, and its sequence number is never used). Time is the <see cref="TimeProvider"/>'s: nothing
/// happens between calls, and a receive waits for nothing (an empty result is a wait that timed out).
/// Not modelled: sessions, deferral, processors, duplicate detection on queues, filters other than "all messages".
/// </summary>
public sealed class ServiceBusBroker(TimeProvider timeProvider, long maxMessageSizeInBytes = ServiceBusBroker.StandardMaxMessageSizeInBytes)
{
    /// <summary>The Standard tier's limit on a message, and on a batch.</summary>
    public const long StandardMaxMessageSizeInBytes = 256 * 1024;

    private readonly Lock gate = new();
    private readonly Dictionary<string, BrokerEntity> entities = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, BrokerTopic> topics = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<Guid, Held> locks = [];
    private readonly List<Fault> faults = [];

    public string FullyQualifiedNamespace { get; } = "webhooks-test.servicebus.windows.net";

    public TimeProvider TimeProvider => timeProvider;

    public long MaxMessageSizeInBytes => maxMessageSizeInBytes;

    public void CreateQueue(string name, EntityOptions? options = null)
    {
        lock (gate)
        {
            EnsureNewName(name);
            entities.Add(name, new BrokerEntity(name, options ?? new EntityOptions()));
        }
    }

    /// <param name="duplicateDetectionHistoryTimeWindow">
    /// Null: no duplicate detection. Else RequiresDuplicateDetection with this window (20 s to 7 days): a message whose
    /// MessageId the topic was sent within the window, scheduled or not, is accepted and dropped.
    /// </param>
    public void CreateTopic(string name, TimeSpan? duplicateDetectionHistoryTimeWindow = null)
    {
        lock (gate)
        {
            EnsureNewName(name);
            topics.Add(name, new BrokerTopic(name, duplicateDetectionHistoryTimeWindow));
        }
    }

    public void CreateSubscription(string topicName, string subscriptionName, EntityOptions? options = null)
    {
        lock (gate)
        {
            var topic = topics.GetValueOrDefault(topicName) ?? throw NotFound(topicName);
            var path = EntityPaths.Subscription(topic.Name, subscriptionName);
            EnsureNewName(path);
            var subscription = new BrokerEntity(path, options ?? new EntityOptions());
            entities.Add(path, subscription);
            topic.Subscriptions.Add(subscription);
        }
    }

    /// <summary>A client whose senders and receivers work on this broker, as <c>new ServiceBusClient(...)</c> would on a namespace.</summary>
    public ServiceBusClient CreateClient() => new BrokerClient(this);

    /// <summary>Sends one message to a queue or topic (scheduled if its ScheduledEnqueueTime is ahead) and returns its sequence number.</summary>
    public long Send(string queueOrTopicName, ServiceBusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Send(queueOrTopicName, [message], checkSize: true)[0];
    }

    /// <summary>
    /// The next visible message of a queue or subscription (or their dead-letter sub-queue, <see cref="EntityPaths"/>),
    /// locked for the entity's lock duration, as a Service Bus trigger receives it; null when none is visible now.
    /// </summary>
    public ServiceBusReceivedMessage? ReceiveNext(string entityPath) =>
        Receive(entityPath, 1, ServiceBusReceiveMode.PeekLock).SingleOrDefault();

    /// <summary>Every message of the entity (active, locked and scheduled) in sequence order, without locking any.</summary>
    public IReadOnlyList<ServiceBusReceivedMessage> Peek(string entityPath) => Peek(entityPath, 0, int.MaxValue, checkFaults: false);

    /// <summary>Completes a locked message: it leaves the entity.</summary>
    /// <exception cref="ServiceBusException">MessageLockLost: the lock expired or the message was settled already.</exception>
    public void Complete(string lockToken) => Complete(lockToken, entityPath: null);

    /// <summary>Releases the lock for redelivery, merging the properties into the message; may dead-letter it (MaxDeliveryCountExceeded).</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">A property value AMQP cannot carry.</exception>
    public void Abandon(string lockToken, IDictionary<string, object>? propertiesToModify = null) => Abandon(lockToken, propertiesToModify, entityPath: null);

    /// <summary>Moves a locked message to its entity's dead-letter sub-queue with the reason, description and properties given.</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">A property value AMQP cannot carry.</exception>
    /// <exception cref="InvalidOperationException">The properties name DeadLetterReason or DeadLetterErrorDescription as well as the arguments.</exception>
    public void DeadLetter(string lockToken, IDictionary<string, object>? propertiesToModify = null, string? deadLetterReason = null, string? deadLetterErrorDescription = null) =>
        DeadLetter(lockToken, propertiesToModify, deadLetterReason, deadLetterErrorDescription, entityPath: null);

    /// <summary>Extends the lock by the entity's lock duration and returns the new expiry.</summary>
    public DateTimeOffset RenewLock(string lockToken) => RenewLock(lockToken, entityPath: null);

    /// <summary>
    /// Until the returned handle is disposed, every listed operation on the entity path throws what
    /// <paramref name="exception"/> makes (a send to a topic is checked against the topic's name).
    /// </summary>
    public IDisposable Fail(string entityPath, BrokerOperations operations, Func<Exception> exception)
    {
        var fault = new Fault(this, entityPath, operations, exception);
        lock (gate)
        {
            faults.Add(fault);
        }

        return fault;
    }

    internal IReadOnlyList<long> Send(string queueOrTopicName, IReadOnlyList<ServiceBusMessage> messages, bool checkSize)
    {
        foreach (var message in messages)
        {
            AmqpPropertyValues.EnsureEncodable(message.ApplicationProperties);
        }

        var accepted = messages.Select(StoredMessage.Accept).ToList();
        if (checkSize && AmqpEncodedSize.OfSend(messages.ToList()) > maxMessageSizeInBytes)
        {
            throw new ServiceBusException($"The message is larger than the {maxMessageSizeInBytes} bytes the entity accepts.", ServiceBusFailureReason.MessageSizeExceeded, queueOrTopicName);
        }

        lock (gate)
        {
            var now = Advance();
            ThrowIfFailing(queueOrTopicName, BrokerOperations.Send);
            if (entities.TryGetValue(queueOrTopicName, out var queue) && !topics.Values.Any(topic => topic.Subscriptions.Contains(queue)))
            {
                foreach (var message in accepted)
                {
                    message.SequenceNumber = queue.NextSequenceNumber();
                    queue.Enqueue(message, now);
                }
            }
            else if (topics.TryGetValue(queueOrTopicName, out var topic))
            {
                foreach (var message in accepted)
                {
                    message.SequenceNumber = topic.NextSequenceNumber();
                    topic.Publish(message, now);
                }
            }
            else
            {
                throw NotFound(queueOrTopicName);
            }

            return accepted.ConvertAll(message => message.SequenceNumber);
        }
    }

    internal void CancelScheduled(string queueOrTopicName, long sequenceNumber)
    {
        lock (gate)
        {
            Advance();
            ThrowIfFailing(queueOrTopicName, BrokerOperations.Send);
            if (topics.TryGetValue(queueOrTopicName, out var topic))
            {
                topic.Scheduled.RemoveAll(message => message.SequenceNumber == sequenceNumber);
            }
            else if (entities.TryGetValue(queueOrTopicName, out var queue)
                && queue.Messages.TryGetValue(sequenceNumber, out var message) && message.IsScheduled)
            {
                queue.Messages.Remove(sequenceNumber);
            }
        }
    }

    internal IReadOnlyList<ServiceBusReceivedMessage> Receive(string entityPath, int maxMessages, ServiceBusReceiveMode mode)
    {
        lock (gate)
        {
            var now = Advance();
            ThrowIfFailing(entityPath, BrokerOperations.Receive);
            var (entity, inDeadLetters) = Resolve(entityPath);
            var store = inDeadLetters ? entity.DeadLetters : entity.Messages;
            var received = new List<ServiceBusReceivedMessage>();
            foreach (var message in store.Values.Where(message => !message.IsLocked && !message.IsScheduled).Take(maxMessages).ToList())
            {
                message.DeliveryCount++;
                if (mode == ServiceBusReceiveMode.ReceiveAndDelete)
                {
                    store.Remove(message.SequenceNumber);
                    received.Add(message.ToReceived());
                    continue;
                }

                message.LockToken = Guid.NewGuid();
                message.LockedUntil = now + entity.Options.LockDuration;
                locks.Add(message.LockToken, new Held(entity, message, inDeadLetters));
                received.Add(message.ToReceived(message.LockToken));
            }

            return received;
        }
    }

    internal IReadOnlyList<ServiceBusReceivedMessage> Peek(string entityPath, long fromSequenceNumber, int maxMessages, bool checkFaults = true)
    {
        lock (gate)
        {
            Advance();
            if (checkFaults)
            {
                ThrowIfFailing(entityPath, BrokerOperations.Peek);
            }

            var (entity, inDeadLetters) = Resolve(entityPath);
            var store = inDeadLetters ? entity.DeadLetters : entity.Messages;
            return store.Values
                .Where(message => message.SequenceNumber >= fromSequenceNumber)
                .Take(maxMessages)
                .Select(message => message.ToReceived())
                .ToList();
        }
    }

    // The settlements below take entityPath from a receiver, which settles only its own entity's messages; the
    // lock-token methods above (a Functions host's message actions) pass null.

    internal void Complete(string lockToken, string? entityPath)
    {
        lock (gate)
        {
            var held = TakeLock(lockToken, entityPath);
            (held.InDeadLetters ? held.Entity.DeadLetters : held.Entity.Messages).Remove(held.Message.SequenceNumber);
        }
    }

    internal void Abandon(string lockToken, IDictionary<string, object>? propertiesToModify, string? entityPath)
    {
        AmqpPropertyValues.EnsureEncodable(propertiesToModify);
        lock (gate)
        {
            var held = TakeLock(lockToken, entityPath);
            held.Message.Merge(propertiesToModify);
            held.Entity.Release(held.Message);
        }
    }

    internal void DeadLetter(string lockToken, IDictionary<string, object>? propertiesToModify, string? deadLetterReason, string? deadLetterErrorDescription, string? entityPath)
    {
        AmqpPropertyValues.EnsureEncodable(propertiesToModify);
        if ((deadLetterReason is not null && propertiesToModify?.ContainsKey(BrokerEntity.DeadLetterReasonProperty) == true)
            || (deadLetterErrorDescription is not null && propertiesToModify?.ContainsKey(BrokerEntity.DeadLetterErrorDescriptionProperty) == true))
        {
            throw new InvalidOperationException("The dead-letter reason or description is given twice: as an argument and in the properties to modify.");
        }

        lock (gate)
        {
            if (FindLock(lockToken, entityPath).InDeadLetters)
            {
                throw new NotSupportedException("The broker double does not model dead-lettering a message that is in the dead-letter sub-queue already.");
            }

            var held = TakeLock(lockToken, entityPath);
            held.Entity.Messages.Remove(held.Message.SequenceNumber);
            held.Entity.DeadLetter(held.Message, propertiesToModify, deadLetterReason, deadLetterErrorDescription);
        }
    }

    internal DateTimeOffset RenewLock(string lockToken, string? entityPath)
    {
        lock (gate)
        {
            var held = FindLock(lockToken, entityPath);
            return held.Message.LockedUntil = timeProvider.GetUtcNow() + held.Entity.Options.LockDuration;
        }
    }

    private Held TakeLock(string lockToken, string? entityPath)
    {
        var held = FindLock(lockToken, entityPath);
        locks.Remove(held.Message.LockToken);
        held.Message.LockToken = Guid.Empty;
        return held;
    }

    private Held FindLock(string lockToken, string? entityPath)
    {
        Advance();
        if (!Guid.TryParse(lockToken, out var token) || !locks.TryGetValue(token, out var held)
            || (entityPath is not null && !string.Equals(held.Path, entityPath, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ServiceBusException(
                "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
                ServiceBusFailureReason.MessageLockLost,
                entityPath);
        }

        ThrowIfFailing(held.Path, BrokerOperations.Settle);
        return held;
    }

    private DateTimeOffset Advance()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var topic in topics.Values)
        {
            topic.Advance(now);
        }

        foreach (var entity in entities.Values)
        {
            foreach (var released in entity.Advance(now))
            {
                locks.Remove(released);
            }
        }

        return now;
    }

    private (BrokerEntity Entity, bool InDeadLetters) Resolve(string entityPath)
    {
        var deadLetterSuffix = EntityPaths.DeadLetter("");
        var inDeadLetters = entityPath.EndsWith(deadLetterSuffix, StringComparison.OrdinalIgnoreCase);
        var path = inDeadLetters ? entityPath[..^deadLetterSuffix.Length] : entityPath;
        return entities.TryGetValue(path, out var entity) ? (entity, inDeadLetters) : throw NotFound(entityPath);
    }

    private void ThrowIfFailing(string entityPath, BrokerOperations operation)
    {
        foreach (var fault in faults)
        {
            if ((fault.Operations & operation) != 0 && string.Equals(fault.EntityPath, entityPath, StringComparison.OrdinalIgnoreCase))
            {
                throw fault.Exception();
            }
        }
    }

    private void EnsureNewName(string name)
    {
        if (entities.ContainsKey(name) || topics.ContainsKey(name))
        {
            throw new ServiceBusException($"The messaging entity '{name}' already exists.", ServiceBusFailureReason.MessagingEntityAlreadyExists, name);
        }
    }

    private ServiceBusException NotFound(string entityPath) =>
        new($"The messaging entity '{FullyQualifiedNamespace}/{entityPath}' could not be found.", ServiceBusFailureReason.MessagingEntityNotFound, entityPath);

    private sealed record Held(BrokerEntity Entity, StoredMessage Message, bool InDeadLetters)
    {
        public string Path => InDeadLetters ? EntityPaths.DeadLetter(Entity.Path) : Entity.Path;
    }

    private sealed class Fault(ServiceBusBroker broker, string entityPath, BrokerOperations operations, Func<Exception> exception) : IDisposable
    {
        public string EntityPath => entityPath;
        public BrokerOperations Operations => operations;
        public Func<Exception> Exception => exception;

        public void Dispose()
        {
            lock (broker.gate)
            {
                broker.faults.Remove(this);
            }
        }
    }
}
