using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Upserts into one table in transactions per partition, coalescing concurrent callers (group commit): while a
/// partition's transaction is in flight, entities arriving for it wait and go together in the next one (up to 100).
/// Each caller returns once all of its own entities are stored, or throws what one of their transactions threw.
/// Without a <paramref name="linger"/> a lone write goes at once, so coalescing costs no latency; with one, the first
/// write to an idle partition waits that long for others to share its transaction (where a writer's caller can wait).
/// </summary>
internal sealed class PartitionBatchWriter(TableClient table, TimeSpan linger = default) : IDisposable
{
    private const int MaxBatchSize = 100;
    private const int MaxConcurrentTransactions = 32;
    private readonly ConcurrentDictionary<string, PartitionQueue> partitions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim transactions = new(MaxConcurrentTransactions, MaxConcurrentTransactions);

    public Task UpsertAsync(IEnumerable<TableEntity> entities, CancellationToken cancellationToken)
    {
        var writes = entities
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .Select(partition => Enqueue(partition.Key, partition.ToList()))
            .ToList();
        return Task.WhenAll(writes).WaitAsync(cancellationToken);
    }

    public void Dispose() => transactions.Dispose();

    private Task Enqueue(string partitionKey, List<TableEntity> entities)
    {
        var write = new PendingWrite(entities.Count);
        while (true)
        {
            var queue = partitions.GetOrAdd(partitionKey, _ => new PartitionQueue());
            bool startFlush;
            lock (queue)
            {
                if (queue.Retired)
                {
                    continue;
                }

                queue.Pending.AddRange(entities.Select(e => (e, write)));
                startFlush = !queue.Flushing;
                queue.Flushing = true;
            }

            if (startFlush)
            {
                _ = FlushAsync(partitionKey, queue);
            }

            return write.Completion;
        }
    }

    private async Task FlushAsync(string partitionKey, PartitionQueue queue)
    {
        if (linger > TimeSpan.Zero)
        {
            await Task.Delay(linger);
        }

        while (true)
        {
            await transactions.WaitAsync();
            try
            {
                List<(TableEntity Entity, PendingWrite Write)> taken;
                lock (queue)
                {
                    if (queue.Pending.Count == 0)
                    {
                        queue.Flushing = false;
                        queue.Retired = true;
                        partitions.TryRemove(new KeyValuePair<string, PartitionQueue>(partitionKey, queue));
                        return;
                    }

                    taken = TakeBatch(queue.Pending);
                }

                await SubmitAsync(taken);
            }
            finally
            {
                transactions.Release();
            }
        }
    }

    /// <summary>Up to 100 distinct row keys from the front; a key written twice goes once, with its last value.</summary>
    private static List<(TableEntity Entity, PendingWrite Write)> TakeBatch(List<(TableEntity Entity, PendingWrite Write)> pending)
    {
        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        while (count < pending.Count && (rowKeys.Count < MaxBatchSize || rowKeys.Contains(pending[count].Entity.RowKey)))
        {
            rowKeys.Add(pending[count].Entity.RowKey);
            count++;
        }

        var taken = pending.GetRange(0, count);
        pending.RemoveRange(0, count);
        return taken;
    }

    private async Task SubmitAsync(List<(TableEntity Entity, PendingWrite Write)> taken)
    {
        var lastByRowKey = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var (entity, _) in taken)
        {
            lastByRowKey[entity.RowKey] = entity;
        }

        try
        {
            var actions = lastByRowKey.Values.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e));
            await table.SubmitTransactionAsync(actions, CancellationToken.None);
        }
        catch (Exception ex)
        {
            foreach (var (_, write) in taken)
            {
                write.Fail(ex);
            }

            return;
        }

        foreach (var (_, write) in taken)
        {
            write.OneStored();
        }
    }

    private sealed class PartitionQueue
    {
        public List<(TableEntity Entity, PendingWrite Write)> Pending { get; } = [];

        public bool Flushing { get; set; }

        /// <summary>Removed from the dictionary once drained; a caller holding it takes a fresh one.</summary>
        public bool Retired { get; set; }
    }

    /// <summary>One caller's entities of one partition: done when every one is stored, failed at the first failure.</summary>
    private sealed class PendingWrite(int entities)
    {
        private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int remaining = entities;

        public Task Completion => done.Task;

        public void OneStored()
        {
            if (Interlocked.Decrement(ref remaining) == 0)
            {
                done.TrySetResult();
            }
        }

        public void Fail(Exception exception) => done.TrySetException(exception);
    }
}
