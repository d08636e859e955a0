using System.Diagnostics;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Subscriptions;
using ETag = Azure.ETag;

namespace WebhookFunctions.Storage.Tables.SubscriptionIndex;

/// <summary>
/// Brings a subscriptions table to <see cref="SubscriptionIndexLayout.CurrentVersion"/> at start-up. Version 1 (no
/// layout entity) held the subscriptions only: this builds their whole index. Version 2 had the index without the
/// payload filters on its entries: an entry without a filter now means "no filter", so only the entries of filtered
/// subscriptions are rewritten. Either way it then records the version. It is idempotent and safe on several
/// instances at once: every instance may run it, each writes the same entries. A subscription written while the index
/// is being written is caught by a second pass that compares ETags and reconciles what changed. It reads a page of
/// subscriptions at a time and keeps only each one's ETag and index partitions between the passes, so a large table
/// does not have to fit in memory. Instances of an older version still running while it happens do not keep the index
/// as this version does: stop them first.
/// </summary>
internal sealed class SubscriptionIndexMigration(TableClient table, TimeProvider timeProvider, ILogger logger)
{
    private const int ParallelWrites = 32;
    private const int MaxBatch = 100;
    private readonly SubscriptionIndexWriter index = new(table);

    /// <summary>The layout version stored in the table; 1 when no version is recorded.</summary>
    public async Task<int> ReadVersionAsync(CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(SubscriptionIndexLayout.LayoutPartition, SubscriptionIndexLayout.LayoutRowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value!.GetInt32(SubscriptionIndexLayout.VersionProperty) ?? 1 : 1;
    }

    /// <summary>Migrates if needed; returns what it did.</summary>
    public async Task<MigrationReport> MigrateAsync(CancellationToken cancellationToken)
    {
        var from = await ReadVersionAsync(cancellationToken);
        if (from >= SubscriptionIndexLayout.CurrentVersion)
        {
            return new MigrationReport(from, from, 0, 0, 0, TimeSpan.Zero);
        }

        var clock = Stopwatch.StartNew();
        var firstRead = new Dictionary<string, ReadState>(StringComparer.Ordinal);
        var entries = 0;
        await foreach (var page in ReadPagesAsync(cancellationToken))
        {
            if (firstRead.Count == 0 && page.Count > 0)
            {
                logger.LogWarning("Subscriptions table layout {From} found; writing the subscription index for layout {To}", from, SubscriptionIndexLayout.CurrentVersion);
            }

            var pageEntries = new List<TableEntity>();
            foreach (var (subscription, etag) in page)
            {
                var partitions = SubscriptionIndexLayout.PartitionsOf(subscription);
                firstRead[subscription.Id] = new ReadState(etag, [.. partitions]);
                if (from < SubscriptionIndexLayout.UnfilteredIndexVersion || subscription.Filter is not null)
                {
                    pageEntries.AddRange(partitions.Select(partition => SubscriptionIndexLayout.IndexEntry(partition, subscription)));
                }
            }

            await UpsertInBatchesAsync(pageEntries, cancellationToken);
            entries += pageEntries.Count;
        }

        // Written by someone else while the entries above were built from the first read: reconcile those.
        var read = firstRead.Count;
        var changed = new List<(string Id, HashSet<string> Partitions)>();
        await foreach (var page in ReadPagesAsync(cancellationToken))
        {
            foreach (var (subscription, etag) in page)
            {
                if (!firstRead.Remove(subscription.Id, out var before) || before.ETag != etag)
                {
                    var partitions = SubscriptionIndexLayout.PartitionsOf(subscription).ToHashSet(StringComparer.Ordinal);
                    partitions.UnionWith(before?.Partitions ?? []);
                    changed.Add((subscription.Id, partitions));
                }
            }
        }

        changed.AddRange(firstRead.Select(deleted => (deleted.Key, deleted.Value.Partitions.ToHashSet(StringComparer.Ordinal))));
        foreach (var (id, partitions) in changed)
        {
            await index.ReconcileAsync(id, partitions, cancellationToken);
        }

        await table.UpsertEntityAsync(
            new TableEntity(SubscriptionIndexLayout.LayoutPartition, SubscriptionIndexLayout.LayoutRowKey)
            {
                [SubscriptionIndexLayout.VersionProperty] = SubscriptionIndexLayout.CurrentVersion,
                ["MigratedAt"] = timeProvider.GetUtcNow(),
            },
            TableUpdateMode.Replace,
            cancellationToken);
        var report = new MigrationReport(from, SubscriptionIndexLayout.CurrentVersion, read, entries, changed.Count, clock.Elapsed);
        if (read == 0 && changed.Count == 0)
        {
            // A new table (a first start), not an upgrade: nothing for an operator to look at.
            logger.LogInformation("Subscriptions table holds no subscriptions; layout {To} recorded", report.ToVersion);
            return report;
        }

        logger.LogWarning(
            "Subscriptions table migrated from layout {From} to {To}: read {Subscriptions} subscriptions, wrote {Entries} index entries, reconciled {Changed} written meanwhile, in {Elapsed}",
            report.FromVersion, report.ToVersion, report.Subscriptions, report.IndexEntries, report.ReconciledAfterChange, report.Elapsed);
        return report;
    }

    /// <summary>Every subscription, a page at a time, so memory holds one page and not the table.</summary>
    private async IAsyncEnumerable<IReadOnlyList<(Subscription Subscription, ETag ETag)>> ReadPagesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SubscriptionEntityMapper.Partition}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).AsPages())
        {
            yield return page.Values.Select(entity => (SubscriptionEntityMapper.ToSubscription(entity), entity.ETag)).ToList();
        }
    }

    /// <summary>What is kept of a subscription between the two reads: no more, so memory grows by little per subscription.</summary>
    private sealed record ReadState(ETag ETag, string[] Partitions);

    // Most index partitions hold few entries (a tenant's pattern); a lone entry goes as a plain upsert, which costs the
    // service less than a one-entity transaction.
    private async Task UpsertInBatchesAsync(List<TableEntity> entries, CancellationToken cancellationToken)
    {
        var batches = entries.GroupBy(e => e.PartitionKey, StringComparer.Ordinal).SelectMany(partition => partition.Chunk(MaxBatch));
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelWrites, CancellationToken = cancellationToken },
            async (batch, token) =>
            {
                if (batch is [var single])
                {
                    await table.UpsertEntityAsync(single, TableUpdateMode.Replace, token);
                }
                else
                {
                    await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), token);
                }
            });
    }
}

/// <summary>What a migration did; <see cref="FromVersion"/> equals <see cref="ToVersion"/> when there was nothing to do.</summary>
internal sealed record MigrationReport(int FromVersion, int ToVersion, int Subscriptions, int IndexEntries, int ReconciledAfterChange, TimeSpan Elapsed);
