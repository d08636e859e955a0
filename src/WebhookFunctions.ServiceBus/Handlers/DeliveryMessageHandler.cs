using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.ServiceBus.Handlers;

/// <summary>
/// One delivery message → one attempt, run by the engine; its settlement completes or dead-letters the message inside
/// the lock. A transient fault of a dependency schedules the message again on the deliveries queue
/// (<see cref="FaultRetryStep"/>); any other exception leaves it unsettled, so Service Bus delivers it again.
/// </summary>
public sealed class DeliveryMessageHandler(DeliveryProcessor processor, FaultRetryStep faultRetries, ILogger<DeliveryMessageHandler> logger)
{
    public async Task HandleAsync(ServiceBusReceivedMessage message, IMessageSettler settler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(settler);
        if (await MessageBody.DecodeOrDeadLetterAsync(message, MessageCodec.DecodeDeliveryJob, settler, logger, cancellationToken) is not { } job)
        {
            return;
        }

        await faultRetries.RunAsync(
            message,
            MessagingNames.Deliveries,
            settler,
            async ct =>
            {
                var settlement = new ServiceBusDeliverySettlement(message, settler);
                await processor.ProcessAsync(job, settlement, ct);
                if (!settlement.IsSettled)
                {
                    throw new InvalidOperationException($"Delivery message {message.MessageId} was processed but not settled; Service Bus will deliver it again.");
                }
            },
            cancellationToken);
    }
}
