using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.FanOut;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.ServiceBus.Handlers;

/// <summary>
/// One event notice from the events topic → delivery jobs for every matching subscription, then Complete. A failure
/// leaves the notice unsettled, so Service Bus delivers it again (up to its max delivery count).
/// </summary>
public sealed class FanOutMessageHandler(FanOutService fanOut, ILogger<FanOutMessageHandler> logger)
{
    public async Task HandleAsync(ServiceBusReceivedMessage message, IMessageSettler settler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(settler);
        if (await MessageBody.DecodeOrDeadLetterAsync(message, MessageCodec.DecodeEventNotice, settler, logger, cancellationToken) is not { } notice)
        {
            return;
        }

        await fanOut.FanOutAsync(notice, cancellationToken);
        await settler.CompleteAsync(message, cancellationToken);
    }
}
