using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.ServiceBus.Handlers;

/// <summary>
/// One delivery message → one attempt, run by the engine; its settlement completes or dead-letters the message inside
/// the lock. An exception leaves the message unsettled, so Service Bus delivers it again.
/// </summary>
public sealed class DeliveryMessageHandler(DeliveryProcessor processor, ILogger<DeliveryMessageHandler> logger)
{
    public async Task HandleAsync(ServiceBusReceivedMessage message, IMessageSettler settler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(settler);
        if (await MessageBody.DecodeOrDeadLetterAsync(message, MessageCodec.DecodeDeliveryJob, settler, logger, cancellationToken) is not { } job)
        {
            return;
        }

        var settlement = new ServiceBusDeliverySettlement(message, settler);
        await processor.ProcessAsync(job, settlement, cancellationToken);
        if (!settlement.IsSettled)
        {
            throw new InvalidOperationException($"Delivery message {message.MessageId} was processed but not settled; Service Bus will deliver it again.");
        }
    }
}
