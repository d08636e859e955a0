using System.Runtime.CompilerServices;
using Azure.Messaging.ServiceBus;

namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>The SDK's sender over the in-memory broker.</summary>
internal sealed class BrokerSender(ServiceBusBroker broker, string queueOrTopicName, string identifier) : ServiceBusSender
{
    private readonly ConditionalWeakTable<ServiceBusMessageBatch, List<ServiceBusMessage>> batches = [];
    private bool closed;

    public override string FullyQualifiedNamespace => broker.FullyQualifiedNamespace;
    public override string EntityPath => queueOrTopicName;
    public override string Identifier => identifier;
    public override bool IsClosed => closed;

    public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfUnusable(cancellationToken);
        broker.Send(queueOrTopicName, [message], checkSize: true);
        return Task.CompletedTask;
    }

    public override Task SendMessagesAsync(IEnumerable<ServiceBusMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ThrowIfUnusable(cancellationToken);
        var list = messages.ToList();
        if (list.Count > 0)
        {
            broker.Send(queueOrTopicName, list, checkSize: true);
        }

        return Task.CompletedTask;
    }

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
        CreateMessageBatchAsync(new CreateMessageBatchOptions(), cancellationToken);

    /// <summary>A batch that accepts messages up to its size limit (the broker's message size unless the options set a lower one).</summary>
    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CreateMessageBatchOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable(cancellationToken);
        var maxSizeInBytes = options?.MaxSizeInBytes ?? broker.MaxMessageSizeInBytes;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxSizeInBytes, broker.MaxMessageSizeInBytes, nameof(options));
        var messages = new List<ServiceBusMessage>();
        var limit = new BatchSizeLimit(maxSizeInBytes);
        var batch = ServiceBusModelFactory.ServiceBusMessageBatch(0, messages, new CreateMessageBatchOptions { MaxSizeInBytes = maxSizeInBytes }, limit.TryAdd);
        batches.Add(batch, messages);
        return ValueTask.FromResult(batch);
    }

    public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageBatch);
        ThrowIfUnusable(cancellationToken);
        if (!batches.TryGetValue(messageBatch, out var messages))
        {
            throw new ArgumentException("The batch was not created by this sender.", nameof(messageBatch));
        }

        if (messages.Count > 0)
        {
            broker.Send(queueOrTopicName, messages.ToList(), checkSize: false);
        }

        return Task.CompletedTask;
    }

    /// <summary>As the SDK does, sets the message's ScheduledEnqueueTime before sending it.</summary>
    public override Task<long> ScheduleMessageAsync(ServiceBusMessage message, DateTimeOffset scheduledEnqueueTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfUnusable(cancellationToken);
        message.ScheduledEnqueueTime = scheduledEnqueueTime;
        return Task.FromResult(broker.Send(queueOrTopicName, [message], checkSize: true)[0]);
    }

    public override Task<IReadOnlyList<long>> ScheduleMessagesAsync(IEnumerable<ServiceBusMessage> messages, DateTimeOffset scheduledEnqueueTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ThrowIfUnusable(cancellationToken);
        var list = messages.ToList();
        foreach (var message in list)
        {
            message.ScheduledEnqueueTime = scheduledEnqueueTime;
        }

        return Task.FromResult(list.Count == 0 ? [] : broker.Send(queueOrTopicName, list, checkSize: true));
    }

    public override Task CancelScheduledMessageAsync(long sequenceNumber, CancellationToken cancellationToken = default) =>
        CancelScheduledMessagesAsync([sequenceNumber], cancellationToken);

    public override Task CancelScheduledMessagesAsync(IEnumerable<long> sequenceNumbers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequenceNumbers);
        ThrowIfUnusable(cancellationToken);
        foreach (var sequenceNumber in sequenceNumbers)
        {
            broker.CancelScheduled(queueOrTopicName, sequenceNumber);
        }

        return Task.CompletedTask;
    }

    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        closed = true;
        return Task.CompletedTask;
    }

    private void ThrowIfUnusable(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(closed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            throw new TaskCanceledException();
        }
    }
}
