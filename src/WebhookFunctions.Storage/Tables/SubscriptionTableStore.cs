using ETag = Azure.ETag;
using RequestFailedException = Azure.RequestFailedException;
using Azure.Data.Tables;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Storage.Tables;

/// <summary>Subscriptions in one table partition, so listings come back in id order; ETags are the table's.</summary>
internal sealed class SubscriptionTableStore(TableServiceClient tables, StorageNames names) : ISubscriptionStore
{
    private const string Listing = "subscriptions";
    private readonly TableClient table = tables.GetTableClient(names.SubscriptionsTable);
    private readonly string partitionFilter = TableClient.CreateQueryFilter($"PartitionKey eq {SubscriptionEntityMapper.Partition}");

    public async Task<Subscription> AddAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.AddEntityAsync(SubscriptionEntityMapper.ToEntity(subscription), cancellationToken);
            return subscription with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            throw new InvalidOperationException($"A subscription with id '{subscription.Id}' already exists.", ex);
        }
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

    public async Task<IReadOnlyList<Subscription>> ListAllAsync(CancellationToken cancellationToken)
    {
        var subscriptions = new List<Subscription>();
        await foreach (var entity in table.QueryAsync<TableEntity>(partitionFilter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            subscriptions.Add(SubscriptionEntityMapper.ToSubscription(entity));
        }

        return subscriptions;
    }

    public async Task<Subscription> ReplaceAsync(Subscription subscription, string ifMatch, CancellationToken cancellationToken)
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

    public async Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        // The SDK reports a missing entity on delete as a 404 response rather than an exception.
        var response = await table.DeleteEntityAsync(SubscriptionEntityMapper.Partition, subscriptionId, ETag.All, cancellationToken);
        return response.Status != 404;
    }
}
