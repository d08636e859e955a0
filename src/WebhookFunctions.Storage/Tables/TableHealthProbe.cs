using Azure;
using Azure.Data.Tables;
using WebhookFunctions.Engine.Health;

namespace WebhookFunctions.Storage.Tables;

/// <summary>Storage is healthy when the subscriptions table answers a one-entity query.</summary>
internal sealed class TableHealthProbe(TableServiceClient tables, StorageNames names) : IHealthProbe
{
    private readonly TableClient table = tables.GetTableClient(names.SubscriptionsTable);

    public string Name => "storage";

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
        {
            break;
        }
    }

    public string ReasonFor(Exception exception) =>
        exception is RequestFailedException { Status: > 0 } answered ? HealthReasons.ForStatus(answered.Status) : HealthReasons.Unavailable;
}
