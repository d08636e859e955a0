using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.ServiceBus.DeadLetters;

namespace WebhookFunctions.ServiceBus.Handlers;

/// <summary>
/// Ends one received delivery message exactly once: DeadLetterMessage when the engine recorded a dead letter for its
/// subscription, else Complete (any retry is already scheduled as a new message by then).
/// </summary>
internal sealed class ServiceBusDeliverySettlement(ServiceBusReceivedMessage message, IMessageSettler settler) : IDeliverySettlement
{
    private DeadLetter? deadLetter;

    public bool IsSettled { get; private set; }

    public Task RecordDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        if (this.deadLetter is not null)
        {
            throw new InvalidOperationException("A Service Bus delivery message carries one subscription, so it can be dead-lettered once.");
        }

        this.deadLetter = deadLetter;
        return Task.CompletedTask;
    }

    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        if (IsSettled)
        {
            throw new InvalidOperationException($"Message {message.MessageId} is already settled.");
        }

        IsSettled = true;
        if (deadLetter is null)
        {
            await settler.CompleteAsync(message, cancellationToken);
            return;
        }

        var shape = DeadLetterMessageShape.For(deadLetter);
        await settler.DeadLetterAsync(message, shape.Reason, shape.Description, shape.ApplicationProperties, cancellationToken);
    }
}
