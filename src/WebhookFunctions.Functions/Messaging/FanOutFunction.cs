using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.FanOut;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.DeadLetters;

namespace WebhookFunctions.Functions.Messaging;

/// <summary>
/// One published event → delivery jobs for every matching subscription. A failure leaves the notice unsettled, so
/// Service Bus delivers it again (up to its max delivery count).
/// </summary>
public sealed class FanOutFunction(FanOutService fanOut, ILogger<FanOutFunction> logger)
{
    [Function("FanOut")]
    public async Task RunAsync(
        [ServiceBusTrigger(MessagingNames.Events, MessagingNames.FanOutSubscription, Connection = MessagingNames.ServiceBusConnection, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions messageActions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(messageActions);
        EventNotice notice;
        try
        {
            notice = MessageCodec.DecodeEventNotice(message.Body.ToMemory().Span);
        }
        catch (FormatException ex)
        {
            logger.LogError(ex, "Event notice {MessageId} is malformed; dead-lettering it.", message.MessageId);
            await messageActions.DeadLetterMessageAsync(message, null, DeadLetterMessageShape.InvalidBodyReason, ex.Message, cancellationToken);
            return;
        }

        await fanOut.FanOutAsync(notice, cancellationToken);
        await messageActions.CompleteMessageAsync(message, cancellationToken);
    }
}
