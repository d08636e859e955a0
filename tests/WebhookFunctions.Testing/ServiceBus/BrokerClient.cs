using Azure.Messaging.ServiceBus;

namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>The SDK's client over the in-memory broker: senders and receivers; sessions and processors are not modelled.</summary>
internal sealed class BrokerClient(ServiceBusBroker broker) : ServiceBusClient
{
    private bool closed;

    public override string FullyQualifiedNamespace => broker.FullyQualifiedNamespace;
    public override string Identifier { get; } = $"{broker.FullyQualifiedNamespace}-{Guid.NewGuid()}";
    public override bool IsClosed => closed;

    public override ServiceBusSender CreateSender(string queueOrTopicName) => CreateSender(queueOrTopicName, new ServiceBusSenderOptions());

    public override ServiceBusSender CreateSender(string queueOrTopicName, ServiceBusSenderOptions options)
    {
        ThrowIfClosed();
        ArgumentException.ThrowIfNullOrEmpty(queueOrTopicName);
        return new BrokerSender(broker, queueOrTopicName, options?.Identifier ?? NewIdentifier(queueOrTopicName));
    }

    public override ServiceBusReceiver CreateReceiver(string queueName) => CreateReceiver(queueName, new ServiceBusReceiverOptions());

    public override ServiceBusReceiver CreateReceiver(string queueName, ServiceBusReceiverOptions options)
    {
        ThrowIfClosed();
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        return Receiver(queueName, options);
    }

    public override ServiceBusReceiver CreateReceiver(string topicName, string subscriptionName) =>
        CreateReceiver(topicName, subscriptionName, new ServiceBusReceiverOptions());

    public override ServiceBusReceiver CreateReceiver(string topicName, string subscriptionName, ServiceBusReceiverOptions options)
    {
        ThrowIfClosed();
        ArgumentException.ThrowIfNullOrEmpty(topicName);
        ArgumentException.ThrowIfNullOrEmpty(subscriptionName);
        return Receiver(EntityPaths.Subscription(topicName, subscriptionName), options);
    }

    // The base closes the AMQP connection that a client made for mocking does not have.
#pragma warning disable CA2215
    public override ValueTask DisposeAsync()
#pragma warning restore CA2215
    {
        closed = true;
        return ValueTask.CompletedTask;
    }

    public override ServiceBusProcessor CreateProcessor(string queueName) => throw NotModelled();
    public override ServiceBusProcessor CreateProcessor(string queueName, ServiceBusProcessorOptions options) => throw NotModelled();
    public override ServiceBusProcessor CreateProcessor(string topicName, string subscriptionName) => throw NotModelled();
    public override ServiceBusProcessor CreateProcessor(string topicName, string subscriptionName, ServiceBusProcessorOptions options) => throw NotModelled();
    public override ServiceBusSessionProcessor CreateSessionProcessor(string queueName, ServiceBusSessionProcessorOptions? options = null) => throw NotModelled();
    public override ServiceBusSessionProcessor CreateSessionProcessor(string topicName, string subscriptionName, ServiceBusSessionProcessorOptions? options = null) => throw NotModelled();
    public override ServiceBusRuleManager CreateRuleManager(string topicName, string subscriptionName) => throw NotModelled();

    public override Task<ServiceBusSessionReceiver> AcceptNextSessionAsync(string queueName, ServiceBusSessionReceiverOptions? options = null, CancellationToken cancellationToken = default) =>
        throw NotModelled();

    public override Task<ServiceBusSessionReceiver> AcceptNextSessionAsync(string topicName, string subscriptionName, ServiceBusSessionReceiverOptions? options = null, CancellationToken cancellationToken = default) =>
        throw NotModelled();

    public override Task<ServiceBusSessionReceiver> AcceptSessionAsync(string queueName, string sessionId, ServiceBusSessionReceiverOptions? options = null, CancellationToken cancellationToken = default) =>
        throw NotModelled();

    public override Task<ServiceBusSessionReceiver> AcceptSessionAsync(string topicName, string subscriptionName, string sessionId, ServiceBusSessionReceiverOptions? options = null, CancellationToken cancellationToken = default) =>
        throw NotModelled();

    private BrokerReceiver Receiver(string entityPath, ServiceBusReceiverOptions? options)
    {
        options ??= new ServiceBusReceiverOptions();
        var path = options.SubQueue switch
        {
            SubQueue.None => entityPath,
            SubQueue.DeadLetter => EntityPaths.DeadLetter(entityPath),
            _ => throw NotModelled(),
        };
        return new BrokerReceiver(broker, path, options.ReceiveMode, options.PrefetchCount, options.Identifier ?? NewIdentifier(path));
    }

    private static string NewIdentifier(string entityPath) => $"{entityPath}-{Guid.NewGuid()}";

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(closed, this);

    private static NotSupportedException NotModelled() =>
        new("The in-memory Service Bus broker models senders and receivers only (no sessions, processors, rules or transfer dead letters).");
}
