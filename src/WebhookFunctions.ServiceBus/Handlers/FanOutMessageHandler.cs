using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.FanOut;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.ServiceBus.Handlers;

/// <summary>
/// One event notice from the events topic → delivery jobs for every matching subscription, then Complete. A transient
/// fault of a dependency schedules the notice again on the events topic (<see cref="FaultRetryStep"/>); any other
/// failure leaves it unsettled, so Service Bus delivers it again (up to its max delivery count).
/// </summary>
public sealed class FanOutMessageHandler(FanOutService fanOut, FaultRetryStep faultRetries, ILogger<FanOutMessageHandler> logger)
{
    public async Task HandleAsync(ServiceBusReceivedMessage message, IMessageSettler settler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(settler);
        if (await MessageBody.DecodeOrDeadLetterAsync(message, MessageCodec.DecodeEventNotice, settler, logger, cancellationToken) is not { } notice)
        {
            return;
        }

        await faultRetries.RunAsync(
            message,
            MessagingNames.Events,
            settler,
            async ct =>
            {
                await fanOut.FanOutAsync(notice, ct);
                await settler.CompleteAsync(message, ct);
            },
            cancellationToken);
    }
}
