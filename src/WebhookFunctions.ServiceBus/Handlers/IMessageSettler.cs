using Azure.Messaging.ServiceBus;

namespace WebhookFunctions.ServiceBus.Handlers;

/// <summary>
/// What the handlers need to end a received message: the Functions host's message actions in the app, a broker double
/// in tests. Properties are merged into the message as it enters the dead-letter sub-queue; each value must be a type
/// AMQP can encode (string, the integer types, DateTimeOffset, ...).
/// </summary>
public interface IMessageSettler
{
    Task CompleteAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken);

    Task DeadLetterAsync(
        ServiceBusReceivedMessage message,
        string reason,
        string description,
        IReadOnlyDictionary<string, object>? propertiesToModify,
        CancellationToken cancellationToken);
}
