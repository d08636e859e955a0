using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Functions.ServiceBus;
using WebhookFunctions.ServiceBus.DeadLetters;

namespace WebhookFunctions.Functions.Messaging;

/// <summary>
/// One delivery job → one attempt, run by the engine; the settlement completes or dead-letters the message, inside
/// its lock. An exception leaves it unsettled, so Service Bus delivers it again.
/// </summary>
public sealed class DeliverFunction(DeliveryProcessor processor, ILogger<DeliverFunction> logger)
{
    [Function("Deliver")]
    public async Task RunAsync(
        [ServiceBusTrigger(MessagingNames.Deliveries, Connection = MessagingNames.ServiceBusConnection, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions messageActions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(messageActions);
        DeliveryJob job;
        try
        {
            job = MessageCodec.DecodeDeliveryJob(message.Body.ToMemory().Span);
        }
        catch (FormatException ex)
        {
            logger.LogError(ex, "Delivery message {MessageId} is malformed; dead-lettering it.", message.MessageId);
            await messageActions.DeadLetterMessageAsync(message, null, DeadLetterMessageShape.InvalidBodyReason, ex.Message, cancellationToken);
            return;
        }

        var settlement = new ServiceBusDeliverySettlement(message, messageActions);
        await processor.ProcessAsync(job, settlement, cancellationToken);
        if (!settlement.IsSettled)
        {
            throw new InvalidOperationException($"Delivery message {message.MessageId} was processed but not settled; Service Bus will deliver it again.");
        }
    }
}
