using Azure;
using Azure.Data.Tables;
using WebhookFunctions.Engine.Health;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Storage is healthy when the subscriptions table answers a one-entity query. The timeout and any other failure
/// are the health service's to report.
/// </summary>
internal sealed class TableHealthProbe(TableServiceClient tables, StorageNames names) : IHealthProbe
{
    private readonly TableClient table = tables.GetTableClient(names.SubscriptionsTable);

    public string Name => "storage";

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
            {
                break;
            }

            return null;
        }
        catch (RequestFailedException ex)
        {
            return $"Table storage answered {ex.Status} ({ex.ErrorCode}).";
        }
    }
}
