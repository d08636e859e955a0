using ETag = Azure.ETag;
using RequestFailedException = Azure.RequestFailedException;
using Azure.Data.Tables;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Storage.Tables.SubscriptionIndex;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Subscriptions in one table partition, so listings come back in id order; ETags are the table's. Each write also
/// keeps the (tenant, pattern) index current (<see cref="SubscriptionIndexLayout"/>, <see cref="SubscriptionIndexWriter"/>),
/// so finding an event type's subscribers reads a few index partitions, never the whole table.
/// </summary>
internal sealed class SubscriptionTableStore : ISubscriptionStore
{
    private const string Listing = "subscriptions";
    private readonly TableClient table;
    private readonly SubscriptionIndexWriter index;
    private readonly string partitionFilter = TableClient.CreateQueryFilter($"PartitionKey eq {SubscriptionEntityMapper.Partition}");

    public SubscriptionTableStore(TableServiceClient tables, StorageNames names)
    {
        table = tables.GetTableClient(names.SubscriptionsTable);
        index = new SubscriptionIndexWriter(table);
    }

    public async Task<Subscription> AddAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var markers = await index.MarkAsync(subscription.Id, SubscriptionIndexLayout.PartitionsOf(subscription), cancellationToken);
        Subscription added;
        try
        {
            var response = await table.AddEntityAsync(SubscriptionEntityMapper.ToEntity(subscription), cancellationToken);
            added = subscription with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            await index.CompleteAsync(subscription.Id, markers, cancellationToken);
            throw new InvalidOperationException($"A subscription with id '{subscription.Id}' already exists.", ex);
        }

        await index.CompleteAsync(subscription.Id, markers, cancellationToken);
        return added;
    }

    public async Task<Subscription?> GetAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(SubscriptionEntityMapper.Partition, subscriptionId, cancellationToken: cancellationToken);
        return response.HasValue ? SubscriptionEntityMapper.ToSubscription(response.Value!) : null;
    }

    public Task<Page<Subscription>> ListAsync(string? tenantId, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        if (tenantId is null)
        {
            return TablePaging.ReadPageAsync(table, partitionFilter, limit, Listing, continuationToken, SubscriptionEntityMapper.ToSubscription, cancellationToken);
        }

        var tenantFilter = TableClient.CreateQueryFilter($"PartitionKey eq {SubscriptionEntityMapper.Partition} and TenantId eq {tenantId}");
        return TablePaging.ReadPageAsync(table, tenantFilter, limit, Listing + ":" + tenantId, continuationToken, SubscriptionEntityMapper.ToSubscription, cancellationToken);
    }

    public async Task<IReadOnlyList<SubscriptionIndexEntry>> ListIndexedAsync(string? tenantId, string pattern, CancellationToken cancellationToken)
    {
        var partition = SubscriptionIndexLayout.IndexPartition(tenantId, pattern);
        var entries = new List<SubscriptionIndexEntry>();
        await foreach (var entity in table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition}"),
            maxPerPage: 1000,
            select: ["RowKey", SubscriptionIndexLayout.EnabledProperty, SubscriptionIndexLayout.FilterProperty],
            cancellationToken: cancellationToken))
        {
            entries.Add(SubscriptionIndexLayout.ToIndexEntry(entity));
        }

        return entries;
    }

    public async Task<Subscription> ReplaceAsync(Subscription subscription, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);

        // A change that leaves tenant, patterns, status and filter alone (a description, a secret, FailingSince) touches no index entry.
        var previous = await GetAsync(subscription.Id, cancellationToken);
        if (SubscriptionIndexLayout.IndexedAlike(previous, subscription))
        {
            return await WriteReplaceAsync(subscription, ifMatch, cancellationToken);
        }

        var partitions = SubscriptionIndexLayout.PartitionsOf(previous).Union(SubscriptionIndexLayout.PartitionsOf(subscription));
        var markers = await index.MarkAsync(subscription.Id, partitions, cancellationToken);
        try
        {
            return await WriteReplaceAsync(subscription, ifMatch, cancellationToken);
        }
        finally
        {
            await index.CompleteAsync(subscription.Id, markers, cancellationToken);
        }
    }

    public async Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var previous = await GetAsync(subscriptionId, cancellationToken);
        var markers = await index.MarkAsync(subscriptionId, SubscriptionIndexLayout.PartitionsOf(previous), cancellationToken);

        // The SDK reports a missing entity on delete as a 404 response rather than an exception.
        var response = await table.DeleteEntityAsync(SubscriptionEntityMapper.Partition, subscriptionId, ETag.All, cancellationToken);
        await index.CompleteAsync(subscriptionId, markers, cancellationToken);
        return response.Status != 404;
    }

    private async Task<Subscription> WriteReplaceAsync(Subscription subscription, string ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.UpdateEntityAsync(SubscriptionEntityMapper.ToEntity(subscription), new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken);
            return subscription with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            throw new ETagMismatchException($"Subscription '{subscription.Id}' was changed since ETag {ifMatch}.");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new KeyNotFoundException($"Subscription '{subscription.Id}' does not exist.", ex);
        }
    }
}
