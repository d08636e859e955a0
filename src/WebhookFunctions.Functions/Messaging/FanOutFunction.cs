using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.Handlers;

namespace WebhookFunctions.Functions.Messaging;

/// <summary>One published event → delivery jobs for every matching subscription.</summary>
public sealed class FanOutFunction(FanOutMessageHandler handler)
{
    [Function("FanOut")]
    public Task RunAsync(
        [ServiceBusTrigger(MessagingNames.Events, MessagingNames.FanOutSubscription, Connection = MessagingNames.ServiceBusConnection, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions messageActions,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(message, new MessageActionsSettler(messageActions), cancellationToken);
}
