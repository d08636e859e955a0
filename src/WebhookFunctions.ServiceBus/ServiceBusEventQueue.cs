using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.Messages;

namespace WebhookFunctions.ServiceBus;

/// <summary>Publishes event notices to the events topic, which the fan-out function reads through its subscription.</summary>
internal sealed class ServiceBusEventQueue(ServiceBusClient client) : IEventQueue
{
    private readonly ServiceBusSender sender = client.CreateSender(MessagingNames.Events);

    public Task SendAsync(EventNotice notice, CancellationToken cancellationToken) =>
        sender.SendMessageAsync(ServiceBusMessages.From(EventNoticeMessageShape.For(notice)), cancellationToken);

    /// <summary>Under an id of its own: the topic's duplicate detection would drop a resend within five minutes of the first notice.</summary>
    public Task ResendAsync(EventNotice notice, CancellationToken cancellationToken) =>
        sender.SendMessageAsync(ServiceBusMessages.From(EventNoticeMessageShape.ForResend(notice, Guid.NewGuid())), cancellationToken);
}
