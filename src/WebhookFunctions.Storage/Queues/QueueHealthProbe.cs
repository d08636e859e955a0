using Azure;
using Azure.Storage.Queues;
using WebhookFunctions.Engine.Health;

namespace WebhookFunctions.Storage.Queues;

/// <summary>The queue transport is healthy when the deliveries queue answers a properties read.</summary>
internal sealed class QueueHealthProbe(QueueServiceClient queues, StorageNames names) : IHealthProbe
{
    private readonly QueueClient queue = queues.GetQueueClient(names.DeliveriesQueue);

    public string Name => "queue";

    public async Task CheckAsync(CancellationToken cancellationToken) => await queue.GetPropertiesAsync(cancellationToken);

    public string ReasonFor(Exception exception) =>
        exception is RequestFailedException { Status: > 0 } answered ? HealthReasons.ForStatus(answered.Status) : HealthReasons.Unavailable;
}
