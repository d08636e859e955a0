using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.SubscriptionIndex;

/// <summary>
/// Two instances (each with its own store and table client) creating, re-patterning, re-filtering and deleting the
/// same tenant's subscriptions at the same time: afterwards the index holds exactly what the subscriptions call for,
/// filters included.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConcurrentIndexWriteTests(AzuriteFixture azurite)
{
    private const string Tenant = "tenant-shared";

    [Fact]
    public async Task Two_instances_writing_the_same_tenants_subscriptions_leave_a_consistent_index()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        var instances = Enumerable.Range(0, 2)
            .Select(_ => new SubscriptionTableStore(StorageClientFactory.CreateTableServiceClient(new StorageOptions { ConnectionString = azurite.ConnectionString }), storage.Names))
            .ToList();
        var ids = Enumerable.Range(0, 12).Select(i => $"sub-{i:D2}").ToList();

        await Task.WhenAll(instances.Select((store, n) => Task.Run(() => ChurnAsync(store, n, ids))));

        var table = storage.Tables.GetTableClient(storage.Names.SubscriptionsTable);
        await IndexState.AssertConsistentAsync(table);
        var survivors = (await instances[0].ListAsync(Tenant, 100, null, CancellationToken.None)).Items;
        var indexed = (await instances[1].ListIndexedAsync(Tenant, "order.*", CancellationToken.None)).Select(e => e.SubscriptionId).Order(StringComparer.Ordinal);
        Assert.Equal(survivors.Where(s => s.EventTypes.Contains("order.*")).Select(s => s.Id).Order(StringComparer.Ordinal), indexed);
    }

    /// <summary>
    /// Each instance walks the same ids: create (or lose the race), flip patterns under ETags, then set its own filter
    /// (or none) under ETags, a change of the filter alone; delete every third.
    /// </summary>
    private static async Task ChurnAsync(SubscriptionTableStore store, int instance, IReadOnlyList<string> ids)
    {
        foreach (var id in ids)
        {
            try
            {
                await store.AddAsync(TableIndexPropertyTests.New(id, Tenant, ["order.*"]), CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // The other instance created it first.
            }

            for (var round = 0; round < 3; round++)
            {
                var patterns = (instance + round) % 2 == 0 ? new[] { "order.*" } : ["order.created", "invoice.*"];
                try
                {
                    await store.UpdateWithRetryAsync(id, s => s with { EventTypes = patterns }, CancellationToken.None);
                }
                catch (ETagMismatchException)
                {
                    // Lost every try to the other instance; its write stands.
                }
            }

            for (var round = 0; round < 2; round++)
            {
                var filter = (instance + round) % 2 == 0 ? FilterSamples.Compile($$"""{"data.tag":"{{id}}"}""") : (round == 0 ? null : FilterSamples.Compile("""{"data.n":{"$gt":2}}"""));
                try
                {
                    await store.UpdateWithRetryAsync(id, s => s with { Filter = filter }, CancellationToken.None);
                }
                catch (ETagMismatchException)
                {
                    // Lost every try to the other instance; its write stands.
                }
            }

            if (id.EndsWith('0') || id.EndsWith('3') || id.EndsWith('6') || id.EndsWith('9'))
            {
                await store.DeleteAsync(id, CancellationToken.None);
            }
        }
    }
}
