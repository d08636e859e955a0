using System.Globalization;
using Azure.Data.Tables;

namespace WebhookFunctions.Storage.Queues;

/// <summary>
/// Where queue messages go whose body is not a job or notice at all (nothing the API accepted looks like that: a
/// foreign writer or a bug), so no dead letter can be made of them: a table, not a poison queue, because every message
/// parked in a queue slows Azurite down for all queues, and an operator reads this table (PK = queue name, newest
/// first). Messages that decode but keep failing become dead letters of their stage instead (QueueConsumer).
/// </summary>
internal sealed class PoisonMessageTableStore(TableServiceClient tables, StorageNames names, TimeProvider timeProvider)
{
    private readonly TableClient table = tables.GetTableClient(names.PoisonMessagesTable);

    public async Task AddAsync(string queueName, string messageId, BinaryData body, long dequeueCount, string reason, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var rowKey = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks:D19}|{messageId}");
        var entity = new TableEntity(queueName, rowKey)
        {
            ["MessageId"] = messageId,
            ["Body"] = body.ToArray(),
            ["DequeueCount"] = dequeueCount,
            ["Reason"] = reason,
            ["MovedAt"] = now,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<PoisonMessage>> ListAsync(string queueName, CancellationToken cancellationToken)
    {
        var messages = new List<PoisonMessage>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {queueName}"), cancellationToken: cancellationToken))
        {
            messages.Add(new PoisonMessage(
                entity.GetString("MessageId"),
                new BinaryData(entity.GetBinary("Body") ?? []),
                entity.GetInt64("DequeueCount") ?? 0,
                entity.GetString("Reason")));
        }

        return messages;
    }
}

internal sealed record PoisonMessage(string MessageId, BinaryData Body, long DequeueCount, string Reason);
