using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.Storage.Queues;

/// <summary>Ends one received delivery message: dead letters go to the table, completion deletes the message.</summary>
internal sealed class QueueDeliverySettlement(HeldMessage<DeliveryJob> message, DeadLetterTableStore deadLetters) : IDeliverySettlement
{
    public Task DeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken) =>
        deadLetters.AddAsync(deadLetter, cancellationToken);

    public Task CompleteAsync(CancellationToken cancellationToken) => message.DeleteAsync(cancellationToken);
}
