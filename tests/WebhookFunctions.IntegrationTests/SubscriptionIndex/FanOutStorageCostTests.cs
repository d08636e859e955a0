using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.FanOut;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.SubscriptionIndex;

/// <summary>
/// What one fan-out asks of storage, counted request by request on the table client: the index partitions of the
/// event type's candidate patterns and the event itself, whatever the number of matches and whether they have payload
/// filters. No subscription is read per match.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FanOutStorageCostTests(AzuriteFixture azurite)
{
    private const string EventType = "order.created";

    [Fact]
    public async Task One_fan_out_reads_the_index_and_the_event_and_no_subscription_however_many_match()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        var counter = new TableRequestCounter();
        var tables = StorageClientFactory.CreateTableServiceClient(new StorageOptions { ConnectionString = azurite.ConnectionString }, [new StoragePipelinePolicy(counter)]);
        var store = new SubscriptionTableStore(tables, storage.Names);
        var events = new EventTableStore(tables, storage.Blobs, storage.Names, storage.Schedule, RetentionPolicy.Default());
        using var uncached = new CachingSubscriptionStore(store, Options.Create(new DeliveryOptions { SubscriptionCacheDuration = TimeSpan.Zero }), TimeProvider.System);
        var jobs = new CollectedDeliveryJobs();
        var fanOut = new FanOutService(new RecipientFinder(uncached, NullLogger<RecipientFinder>.Instance), events, jobs, Options.Create(new DeliveryOptions()), NullLogger<FanOutService>.Instance);

        var few = await FanOutAsync("tenant-few", subscribers: 8);
        var many = await FanOutAsync("tenant-many", subscribers: 160);

        Assert.Equal(few, many);
        Assert.Equal(0, many.GetValueOrDefault(TableRequestCounter.SubscriptionPointRead));
        Assert.Equal(EventTypeFilter.CandidatePatterns(EventType).Count, many[TableRequestCounter.IndexQuery]);
        Assert.Equal(EventTypeFilter.CandidatePatterns(EventType).Count + 1, many.Values.Sum());

        // Subscribers in four kinds, a quarter each: no filter, a filter the event passes, one it fails, and no
        // filter under the pattern "order.*" (so two partitions hold the matches). The event is read once, for all.
        async Task<IReadOnlyDictionary<string, int>> FanOutAsync(string tenant, int subscribers)
        {
            var passing = FilterSamples.Compile("""{"data.tag":"x"}""");
            var failing = FilterSamples.Compile("""{"data.n":{"$gt":2}}""");
            var expected = new List<string>();
            await Parallel.ForEachAsync(Enumerable.Range(0, subscribers), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
            {
                var (pattern, filter) = (i % 4) switch
                {
                    0 => (EventType, (Engine.Subscriptions.Filters.SubscriptionFilter?)null),
                    1 => (EventType, passing),
                    2 => (EventType, failing),
                    _ => ("order.*", null),
                };
                var added = await store.AddAsync(TableIndexPropertyTests.New($"{tenant}-{i:D3}", tenant, [pattern]) with { Filter = filter }, token);
                if (filter != failing)
                {
                    lock (expected)
                    {
                        expected.Add(added.Id);
                    }
                }
            });
            var webhookEvent = FilterSamples.Event(tenant, EventType, """{"n":1,"tag":"x"}""", subject: null);
            await events.TryAddAsync(webhookEvent, CancellationToken.None);
            jobs.Sent.Clear();
            counter.Reset();

            await fanOut.FanOutAsync(new EventNotice(webhookEvent.Id, EventType, null, tenant), CancellationToken.None);

            var counted = counter.Snapshot();
            Assert.Equal(expected.Order(StringComparer.Ordinal), jobs.SubscriptionIds.Order(StringComparer.Ordinal));
            return counted;
        }
    }
}
