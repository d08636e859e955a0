using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.Handlers;

namespace WebhookFunctions.Functions.Messaging;

/// <summary>One delivery job → one attempt; the message is completed or dead-lettered inside its lock.</summary>
public sealed class DeliverFunction(DeliveryMessageHandler handler)
{
    [Function("Deliver")]
    public Task RunAsync(
        [ServiceBusTrigger(MessagingNames.Deliveries, Connection = MessagingNames.ServiceBusConnection, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions messageActions,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(message, new MessageActionsSettler(messageActions), cancellationToken);
}
