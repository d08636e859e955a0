using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.Storage.Queues;

/// <summary>Ends one received delivery message: dead letters go to the table; settling deletes the message.</summary>
internal sealed class QueueDeliverySettlement(HeldMessage<DeliveryJob> message, DeadLetterTableStore deadLetters) : IDeliverySettlement
{
    public Task RecordDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken) =>
        deadLetters.AddAsync(deadLetter, cancellationToken);

    public Task SettleAsync(CancellationToken cancellationToken) => message.DeleteAsync(cancellationToken);
}
