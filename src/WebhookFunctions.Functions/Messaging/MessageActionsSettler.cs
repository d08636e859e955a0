using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.ServiceBus.Handlers;

namespace WebhookFunctions.Functions.Messaging;

/// <summary>Settles through the Functions host, which holds the message's lock.</summary>
internal sealed class MessageActionsSettler(ServiceBusMessageActions actions) : IMessageSettler
{
    public Task CompleteAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken) =>
        actions.CompleteMessageAsync(message, cancellationToken);

    public Task DeadLetterAsync(
        ServiceBusReceivedMessage message,
        string reason,
        string description,
        IReadOnlyDictionary<string, object>? propertiesToModify,
        CancellationToken cancellationToken) =>
        actions.DeadLetterMessageAsync(message, propertiesToModify?.ToDictionary(), reason, description, cancellationToken);
}
