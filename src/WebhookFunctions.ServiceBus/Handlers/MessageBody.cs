using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using WebhookFunctions.ServiceBus.DeadLetters;

namespace WebhookFunctions.ServiceBus.Handlers;

internal delegate T BodyDecoder<out T>(ReadOnlySpan<byte> body);

internal static class MessageBody
{
    /// <summary>
    /// The body decoded; or null once the message is dead-lettered as <see cref="DeadLetterMessageShape.InvalidBodyReason"/>,
    /// because no redelivery can make an unreadable body readable.
    /// </summary>
    public static async Task<T?> DecodeOrDeadLetterAsync<T>(
        ServiceBusReceivedMessage message,
        BodyDecoder<T> decode,
        IMessageSettler settler,
        ILogger logger,
        CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return decode(message.Body.ToMemory().Span);
        }
        catch (FormatException ex)
        {
            logger.LogError(ex, "Message {MessageId} is not a {BodyType}; dead-lettering it.", message.MessageId, typeof(T).Name);
            await settler.DeadLetterAsync(message, DeadLetterMessageShape.InvalidBodyReason, ex.Message, null, cancellationToken);
            return null;
        }
    }
}
