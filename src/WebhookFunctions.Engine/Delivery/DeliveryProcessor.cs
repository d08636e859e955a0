namespace WebhookFunctions.Engine.Delivery;

/// <summary>A delivery job's life: load, sign, send, classify, decide, record, settle.</summary>
public sealed class DeliveryProcessor
{
    public Task ProcessAsync(DeliveryJob job, IDeliverySettlement settlement, CancellationToken cancellationToken) => throw new NotImplementedException();
}
