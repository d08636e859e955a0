using Azure.Messaging.ServiceBus;

namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>
/// The SDK's receiver over the in-memory broker. A receive returns what is visible at the call (up to the number
/// asked) and does not wait: an empty result stands for a wait that timed out. Deferral is not modelled, and a
/// renewed lock does not show on the message object (the SDK sets that property internally).
/// </summary>
internal sealed class BrokerReceiver(ServiceBusBroker broker, string entityPath, ServiceBusReceiveMode receiveMode, int prefetchCount, string identifier)
    : ServiceBusReceiver
{
    private long lastPeekedSequenceNumber;
    private bool closed;

    public override string FullyQualifiedNamespace => broker.FullyQualifiedNamespace;
    public override string EntityPath => entityPath;
    public override ServiceBusReceiveMode ReceiveMode => receiveMode;
    public override int PrefetchCount => prefetchCount;
    public override string Identifier => identifier;
    public override bool IsClosed => closed;

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int maxMessages, TimeSpan? maxWaitTime = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        if (maxWaitTime is { } wait)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(wait, TimeSpan.Zero, nameof(maxWaitTime));
        }

        ThrowIfUnusable(cancellationToken);
        return Task.FromResult(broker.Receive(entityPath, maxMessages, receiveMode));
    }

    public override async Task<ServiceBusReceivedMessage?> ReceiveMessageAsync(TimeSpan? maxWaitTime = null, CancellationToken cancellationToken = default) =>
        (await ReceiveMessagesAsync(1, maxWaitTime, cancellationToken)).SingleOrDefault();

    public override IAsyncEnumerable<ServiceBusReceivedMessage> ReceiveMessagesAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The in-memory broker does not wait for messages; call ReceiveMessagesAsync(maxMessages) instead.");

    public override async Task<ServiceBusReceivedMessage?> PeekMessageAsync(long? fromSequenceNumber = null, CancellationToken cancellationToken = default) =>
        (await PeekMessagesAsync(1, fromSequenceNumber, cancellationToken)).SingleOrDefault();

    /// <summary>From the sequence number given, else from the one after the last this receiver peeked, as the SDK does.</summary>
    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekMessagesAsync(int maxMessages, long? fromSequenceNumber = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ThrowIfUnusable(cancellationToken);
        var page = broker.Peek(entityPath, fromSequenceNumber ?? lastPeekedSequenceNumber + 1, maxMessages);
        if (page.Count > 0)
        {
            lastPeekedSequenceNumber = page[^1].SequenceNumber;
        }

        return Task.FromResult(page);
    }

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        ThrowIfCannotSettle(message, cancellationToken);
        broker.Complete(message.LockToken, entityPath);
        return Task.CompletedTask;
    }

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default)
    {
        ThrowIfCannotSettle(message, cancellationToken);
        broker.Abandon(message.LockToken, propertiesToModify, entityPath);
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default) =>
        DeadLetterMessageAsync(message, propertiesToModify, null, null, cancellationToken);

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default) =>
        DeadLetterMessageAsync(message, null, deadLetterReason, deadLetterErrorDescription, cancellationToken);

    public override Task DeadLetterMessageAsync(
        ServiceBusReceivedMessage message,
        IDictionary<string, object>? propertiesToModify,
        string? deadLetterReason,
        string? deadLetterErrorDescription = null,
        CancellationToken cancellationToken = default)
    {
        ThrowIfCannotSettle(message, cancellationToken);
        broker.DeadLetter(message.LockToken, propertiesToModify, deadLetterReason, deadLetterErrorDescription, entityPath);
        return Task.CompletedTask;
    }

    public override Task RenewMessageLockAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        ThrowIfCannotSettle(message, cancellationToken);
        broker.RenewLock(message.LockToken, entityPath);
        return Task.CompletedTask;
    }

    public override Task DeferMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default) =>
        throw DeferralNotModelled();

    public override Task<ServiceBusReceivedMessage> ReceiveDeferredMessageAsync(long sequenceNumber, CancellationToken cancellationToken = default) =>
        throw DeferralNotModelled();

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveDeferredMessagesAsync(IEnumerable<long> sequenceNumbers, CancellationToken cancellationToken = default) =>
        throw DeferralNotModelled();

    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        closed = true;
        return Task.CompletedTask;
    }

    /// <summary>The SDK's own checks before a settlement reaches the broker.</summary>
    private void ThrowIfCannotSettle(ServiceBusReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfUnusable(cancellationToken);
        if (receiveMode != ServiceBusReceiveMode.PeekLock)
        {
            throw new InvalidOperationException("The operation is not supported in 'ReceiveAndDelete' receive mode.");
        }

        if (!Guid.TryParse(message.LockToken, out var lockToken) || lockToken == Guid.Empty)
        {
            throw new InvalidOperationException("The operation is only supported for messages received in 'PeekLock' mode (a peeked message has no lock).");
        }
    }

    private void ThrowIfUnusable(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(closed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            throw new TaskCanceledException();
        }
    }

    private static NotSupportedException DeferralNotModelled() => new("The in-memory Service Bus broker does not model deferral.");
}
