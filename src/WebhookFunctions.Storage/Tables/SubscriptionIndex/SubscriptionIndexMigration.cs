using System.Diagnostics;
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
/// is being written is caught by a second pass that compares ETags and reconciles what changed. Instances of an older
/// version still running while it happens do not keep the index as this version does: stop them first.
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
        logger.LogWarning("Subscriptions table layout {From} found; writing the subscription index for layout {To}", from, SubscriptionIndexLayout.CurrentVersion);
        var first = await ReadAllAsync(cancellationToken);
        var entries = first.Values
            .Select(stored => stored.Subscription)
            .Where(subscription => from < SubscriptionIndexLayout.UnfilteredIndexVersion || subscription.Filter is not null)
            .SelectMany(subscription => SubscriptionIndexLayout.PartitionsOf(subscription).Select(partition => SubscriptionIndexLayout.IndexEntry(partition, subscription)))
            .ToList();
        await UpsertInBatchesAsync(entries, cancellationToken);

        // Written by someone else while the entries above were built from the first read: reconcile those.
        var second = await ReadAllAsync(cancellationToken);
        var changed = first.Keys.Union(second.Keys)
            .Where(id => !first.TryGetValue(id, out var before) || !second.TryGetValue(id, out var after) || before.ETag != after.ETag)
            .ToList();
        foreach (var id in changed)
        {
            var partitions = SubscriptionIndexLayout.PartitionsOf(first.GetValueOrDefault(id).Subscription)
                .Union(SubscriptionIndexLayout.PartitionsOf(second.GetValueOrDefault(id).Subscription))
                .ToHashSet(StringComparer.Ordinal);
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
        var report = new MigrationReport(from, SubscriptionIndexLayout.CurrentVersion, first.Count, entries.Count, changed.Count, clock.Elapsed);
        logger.LogWarning(
            "Subscriptions table migrated from layout {From} to {To}: read {Subscriptions} subscriptions, wrote {Entries} index entries, reconciled {Changed} written meanwhile, in {Elapsed}",
            report.FromVersion, report.ToVersion, report.Subscriptions, report.IndexEntries, report.ReconciledAfterChange, report.Elapsed);
        return report;
    }

    private async Task<Dictionary<string, (Subscription Subscription, ETag ETag)>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var all = new Dictionary<string, (Subscription, ETag)>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SubscriptionEntityMapper.Partition}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            all[entity.RowKey] = (SubscriptionEntityMapper.ToSubscription(entity), entity.ETag);
        }

        return all;
    }

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
