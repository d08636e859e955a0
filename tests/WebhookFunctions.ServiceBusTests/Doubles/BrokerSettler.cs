using Azure.Messaging.ServiceBus;
using WebhookFunctions.ServiceBus.Handlers;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Doubles;

/// <summary>Settles on the in-memory broker by lock token, as the Functions host's message actions do on Service Bus.</summary>
internal sealed class BrokerSettler(ServiceBusBroker broker) : IMessageSettler
{
    public Task CompleteAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken)
    {
        broker.Complete(message.LockToken);
        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(
        ServiceBusReceivedMessage message,
        string reason,
        string description,
        IReadOnlyDictionary<string, object>? propertiesToModify,
        CancellationToken cancellationToken)
    {
        broker.DeadLetter(message.LockToken, propertiesToModify?.ToDictionary(), reason, description);
        return Task.CompletedTask;
    }
}
