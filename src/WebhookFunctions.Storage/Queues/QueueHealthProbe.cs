using Azure;
using Azure.Storage.Queues;
using WebhookFunctions.Engine.Health;

namespace WebhookFunctions.Storage.Queues;

/// <summary>The queue transport is healthy when the deliveries queue answers a properties read.</summary>
internal sealed class QueueHealthProbe(QueueServiceClient queues, StorageNames names) : IHealthProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly QueueClient queue = queues.GetQueueClient(names.DeliveriesQueue);

    public string Name => "queue";

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await queue.GetPropertiesAsync(timeout.Token);
            return null;
        }
        catch (RequestFailedException ex)
        {
            return $"Queue storage answered {ex.Status} ({ex.ErrorCode}).";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"Queue storage did not answer within {Timeout.TotalSeconds:0} s.";
        }
        catch (Exception ex) when (ex is AggregateException or System.Net.Http.HttpRequestException)
        {
            return "Queue storage is unreachable: " + ex.Message;
        }
    }
}
