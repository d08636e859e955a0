using WebhookFunctions.Engine.DeadLetters;

namespace WebhookFunctions.Engine.Delivery;

/// <summary>
/// Carries out the end of one received delivery message on the transport it came from. The engine calls
/// <see cref="RecordDeadLetterAsync"/> for each target that ends terminally, then <see cref="SettleAsync"/> exactly
/// once, after every retry it needed is durably scheduled. The queue settlement writes each dead letter to the
/// dead-letter table and settles by deleting the message; the Service Bus settlement, whose message carries one
/// target, settles by dead-lettering the message when that target was recorded, else by completing it.
/// </summary>
public interface IDeliverySettlement
{
    Task RecordDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken);

    Task SettleAsync(CancellationToken cancellationToken);
}
