using Azure;
using Azure.Storage.Queues;
using WebhookFunctions.Engine.Health;

namespace WebhookFunctions.Storage.Queues;

/// <summary>
/// The queue transport is healthy when the deliveries queue answers a properties read. The timeout and any other
/// failure are the health service's to report.
/// </summary>
internal sealed class QueueHealthProbe(QueueServiceClient queues, StorageNames names) : IHealthProbe
{
    private readonly QueueClient queue = queues.GetQueueClient(names.DeliveriesQueue);

    public string Name => "queue";

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await queue.GetPropertiesAsync(cancellationToken);
            return null;
        }
        catch (RequestFailedException ex)
        {
            return $"Queue storage answered {ex.Status} ({ex.ErrorCode}).";
        }
    }
}
