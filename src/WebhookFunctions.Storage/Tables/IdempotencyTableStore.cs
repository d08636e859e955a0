using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Storage.Retention;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Idempotency keys, hashed into the partition key (any client string fits, and none reaches a key unescaped).
/// An expired record is replaced under its ETag, so two racing publishers cannot both win. The expiry schedule row is
/// written before the record; the sweeper removes the record once its window has passed.
/// </summary>
internal sealed class IdempotencyTableStore(TableServiceClient tables, StorageNames names, ExpirySchedule schedule) : IIdempotencyStore
{
    public const string RowKey = "";
    private const int MaxRaces = 5;
    private readonly TableClient table = tables.GetTableClient(names.IdempotencyTable);

    public async Task<string?> TryRecordAsync(string key, string eventId, DateTimeOffset now, TimeSpan window, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(Hash(key), RowKey) { ["EventId"] = eventId, ["CreatedAt"] = now };
        await schedule.ScheduleAsync(ExpiryKind.IdempotencyKey, now, entity.PartitionKey, cancellationToken);
        for (var race = 0; race < MaxRaces; race++)
        {
            try
            {
                await table.AddEntityAsync(entity, cancellationToken);
                return null;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
            }

            var existing = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, RowKey, cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                continue;
            }

            var record = existing.Value!;
            if (record.GetDateTimeOffset("CreatedAt") is { } createdAt && createdAt + window > now)
            {
                return record.GetString("EventId");
            }

            try
            {
                await table.UpdateEntityAsync(entity, record.ETag, TableUpdateMode.Replace, cancellationToken);
                return null;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                // Another publisher replaced or removed the expired record first; look again.
            }
        }

        throw new InvalidOperationException($"The idempotency key kept changing under {MaxRaces} concurrent attempts; retry the request.");
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
