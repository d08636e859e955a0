using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;

namespace WebhookFunctions.EndToEndTests.Hosting;

/// <summary>
/// Everything a storage account holds, as one canonical text: every table's entities with every property (ETag and
/// Timestamp included), every blob's properties and content hash, every queue's message count and visible messages.
/// Two snapshots are equal exactly when nothing was written in between.
/// </summary>
internal static class StorageSnapshot
{
    public static async Task<string> TakeAsync(string connectionString)
    {
        var text = new StringBuilder();
        await AppendTablesAsync(new TableServiceClient(connectionString), text);
        await AppendBlobsAsync(new BlobServiceClient(connectionString), text);
        await AppendQueuesAsync(new QueueServiceClient(connectionString), text);
        return text.ToString();
    }

    /// <summary>The total approximate message count of every queue (in flight included).</summary>
    public static async Task<int> QueuedMessagesAsync(string connectionString)
    {
        var queues = new QueueServiceClient(connectionString);
        var total = 0;
        await foreach (var queue in queues.GetQueuesAsync())
        {
            total += (await queues.GetQueueClient(queue.Name).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        }

        return total;
    }

    private static async Task AppendTablesAsync(TableServiceClient tables, StringBuilder text)
    {
        var names = new List<string>();
        await foreach (var table in tables.QueryAsync())
        {
            names.Add(table.Name);
        }

        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            text.Append("table ").AppendLine(name);
            var entities = new List<string>();
            await foreach (var entity in tables.GetTableClient(name).QueryAsync<TableEntity>())
            {
                entities.Add(Canonical(entity));
            }

            foreach (var entity in entities.Order(StringComparer.Ordinal))
            {
                text.Append("  ").AppendLine(entity);
            }
        }
    }

    private static string Canonical(TableEntity entity)
    {
        var properties = entity.Keys
            .Where(key => key != "odata.etag")
            .Order(StringComparer.Ordinal)
            .Select(key => $"{key}={Value(entity[key])}");
        return $"[{entity.PartitionKey}|{entity.RowKey}] etag={entity.ETag} {string.Join(" ", properties)}";
    }

    private static string Value(object? value) => value switch
    {
        null => "null",
        byte[] bytes => "bytes:" + Convert.ToBase64String(bytes),
        BinaryData data => "bytes:" + Convert.ToBase64String(data.ToArray()),
        DateTimeOffset time => "time:" + time.ToString("O", CultureInfo.InvariantCulture),
        DateTime time => "time:" + time.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => $"{value.GetType().Name}:{formattable.ToString(null, CultureInfo.InvariantCulture)}",
        _ => $"{value.GetType().Name}:{value}",
    };

    private static async Task AppendBlobsAsync(BlobServiceClient blobs, StringBuilder text)
    {
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            text.Append("container ").Append(container.Name).Append(" etag=").AppendLine(container.Properties.ETag.ToString());
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata, States = BlobStates.All }))
            {
                var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                text.Append("  ").Append(blob.Name)
                    .Append(" etag=").Append(blob.Properties.ETag)
                    .Append(" modified=").Append(blob.Properties.LastModified?.ToString("O", CultureInfo.InvariantCulture))
                    .Append(" length=").Append(blob.Properties.ContentLength)
                    .Append(" sha256=").AppendLine(Convert.ToHexString(SHA256.HashData(content)));
            }
        }
    }

    private static async Task AppendQueuesAsync(QueueServiceClient queues, StringBuilder text)
    {
        await foreach (var queue in queues.GetQueuesAsync())
        {
            var client = queues.GetQueueClient(queue.Name);
            var count = (await client.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            text.Append("queue ").Append(queue.Name).Append(" messages=").Append(count).AppendLine();
            foreach (var message in (await client.PeekMessagesAsync(maxMessages: 32)).Value)
            {
                text.Append("  ").Append(message.MessageId).Append(' ').AppendLine(message.Body.ToString());
            }
        }
    }
}
