using Azure;
using Azure.Data.Tables;
using WebhookFunctions.Engine.Health;

namespace WebhookFunctions.Storage.Tables;

/// <summary>Storage is healthy when the subscriptions table answers a one-entity query.</summary>
internal sealed class TableHealthProbe(TableServiceClient tables, StorageNames names) : IHealthProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly TableClient table = tables.GetTableClient(names.SubscriptionsTable);

    public string Name => "storage";

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["RowKey"], cancellationToken: timeout.Token).AsPages(pageSizeHint: 1))
            {
                break;
            }

            return null;
        }
        catch (RequestFailedException ex)
        {
            return $"Table storage answered {ex.Status} ({ex.ErrorCode}).";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"Table storage did not answer within {Timeout.TotalSeconds:0} s.";
        }
        catch (Exception ex) when (ex is AggregateException or System.Net.Http.HttpRequestException)
        {
            return "Table storage is unreachable: " + ex.Message;
        }
    }
}
