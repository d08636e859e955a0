using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.Messages;

namespace WebhookFunctions.ServiceBus;

/// <summary>Publishes event notices to the events topic, which the fan-out function reads through its subscription.</summary>
internal sealed class ServiceBusEventQueue(ServiceBusClient client) : IEventQueue
{
    private readonly ServiceBusSender _sender = client.CreateSender(MessagingNames.Events);

    public Task SendAsync(EventNotice notice, CancellationToken cancellationToken) =>
        _sender.SendMessageAsync(ServiceBusMessages.From(EventNoticeMessageShape.For(notice)), cancellationToken);
}
