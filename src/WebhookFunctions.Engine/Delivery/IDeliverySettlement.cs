using WebhookFunctions.Engine.DeadLetters;

namespace WebhookFunctions.Engine.Delivery;

/// <summary>
/// Carries out the end of one received delivery message on the transport it came from. The engine calls
/// <see cref="DeadLetterAsync"/> for each target that ends terminally, then <see cref="CompleteAsync"/> exactly
/// once, after every retry it needed is durably scheduled. A Service Bus settlement turns a dead letter of its
/// single target into DeadLetterMessage; the queue settlement writes the dead-letter table and deletes the message.
/// </summary>
public interface IDeliverySettlement
{
    Task DeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken);

    Task CompleteAsync(CancellationToken cancellationToken);
}
