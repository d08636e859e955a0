using Azure;
using Azure.Data.Tables;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Deletes rows by key in transactions of up to 100 per partition. A row already gone is skipped (a transaction
/// fails whole on it, so it is dropped and the rest resubmitted): deleting twice, or from two sweepers at once, is safe.
/// </summary>
internal static class PartitionDeleter
{
    private const int MaxBatchSize = 100;
    private const int ParallelPartitions = 8;

    /// <summary>The number of rows this call deleted (rows already gone are not counted).</summary>
    public static async Task<long> DeleteAsync(TableClient table, IEnumerable<(string PartitionKey, string RowKey)> keys, CancellationToken cancellationToken)
    {
        var batches = keys
            .Distinct()
            .GroupBy(k => k.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(MaxBatchSize))
            .ToList();
        long deleted = 0;
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelPartitions, CancellationToken = cancellationToken },
            async (batch, token) => Interlocked.Add(ref deleted, await DeleteBatchAsync(table, batch.ToList(), token)));
        return deleted;
    }

    private static async Task<long> DeleteBatchAsync(TableClient table, List<(string PartitionKey, string RowKey)> batch, CancellationToken cancellationToken)
    {
        while (batch.Count > 0)
        {
            try
            {
                if (batch.Count == 1)
                {
                    return await DeleteOneAsync(table, batch[0], cancellationToken) ? 1 : 0;
                }

                await table.SubmitTransactionAsync(
                    batch.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(k.PartitionKey, k.RowKey), ETag.All)),
                    cancellationToken);
                return batch.Count;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404 && ex.FailedTransactionActionIndex is { } failed && failed < batch.Count)
            {
                batch.RemoveAt(failed);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                // The service did not say which row was missing: one at a time.
                long deleted = 0;
                foreach (var key in batch)
                {
                    deleted += await DeleteOneAsync(table, key, cancellationToken) ? 1 : 0;
                }

                return deleted;
            }
        }

        return 0;
    }

    private static async Task<bool> DeleteOneAsync(TableClient table, (string PartitionKey, string RowKey) key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.DeleteEntityAsync(key.PartitionKey, key.RowKey, ETag.All, cancellationToken);
            return response.Status != 404;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }
}
