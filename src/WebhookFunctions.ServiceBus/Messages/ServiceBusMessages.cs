using Azure.Messaging.ServiceBus;

namespace WebhookFunctions.ServiceBus.Messages;

internal static class ServiceBusMessages
{
    /// <summary>Copies a shape the engine decided onto the SDK's message (the scheduled time is passed to the send call).</summary>
    public static ServiceBusMessage From(ServiceBusMessageShape shape)
    {
        var message = new ServiceBusMessage(shape.Body)
        {
            MessageId = shape.MessageId,
            Subject = shape.Subject,
            ContentType = shape.ContentType,
        };
        foreach (var (name, value) in shape.ApplicationProperties)
        {
            message.ApplicationProperties[name] = value;
        }

        return message;
    }
}
