using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.FanOut;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Testing.Engine;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.SubscriptionIndex;

/// <summary>
/// The table's index against the linear matcher, on Azurite: random subscriptions (tenants and none, exact types,
/// nested prefixes, "*", enabled and disabled, with and without payload filters) are created, then randomly
/// re-patterned, disabled, given another filter (or none) or deleted through the store; fan-out of every random event
/// then targets exactly what a scan of every subscription finds (tenant, status, type and filter), and the index holds
/// exactly the entries the subscriptions call for, filters included.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableIndexPropertyTests(AzuriteFixture azurite)
{
    private static readonly Gen<string> Segment = Gen.OneOf("a", "b", "c");
    private static readonly Gen<string> EventType = Segment.Array[1, 3].Select(s => string.Join('.', s));
    private static readonly Gen<string> Pattern = Gen.Frequency(
        (4, (IGen<string>)EventType),
        (3, Segment.Array[1, 2].Select(s => string.Join('.', s) + ".*")),
        (1, Gen.Const("*")));

    private static readonly Gen<string?> Tenant = Gen.OneOf<string?>(null, "t1", "t2");

    private static readonly Gen<(string? Tenant, string[] Patterns, bool Enabled, string? Filter)> Spec =
        Gen.Select(Tenant, Pattern.Array[1, 3], Gen.Bool, FilterSamples.Filter);

    /// <summary>0: keep, 1: new patterns, 2: toggle status, 3: delete, 4 and 5: another filter or none (a PATCH of the filter alone).</summary>
    private static readonly Gen<(int Change, string[] Patterns, string? Filter)> Change = Gen.Select(Gen.Int[0, 5], Pattern.Array[1, 3], FilterSamples.Filter);

    private static readonly Gen<WebhookEvent> Event = Gen.Select(Tenant, EventType, FilterSamples.Data, FilterSamples.Subject, FilterSamples.Event);

    [Fact]
    public async Task Index_lookups_on_the_table_match_the_linear_matcher()
    {
        var cases = Gen.Select(Spec.Array[1, 20], Change.Array[20], Event.Array[10]);
        await cases.SampleAsync(
            async (specs, changes, events) =>
            {
                var storage = await TestStorage.CreateAsync(azurite);
                var store = new SubscriptionTableStore(storage.Tables, storage.Names);
                using var uncached = new CachingSubscriptionStore(store, Options.Create(new DeliveryOptions { SubscriptionCacheDuration = TimeSpan.Zero }), TimeProvider.System);
                var live = new Dictionary<string, Subscription>();
                for (var i = 0; i < specs.Length; i++)
                {
                    var (tenant, patterns, enabled, filter) = specs[i];
                    var added = await store.AddAsync(New($"sub-{i:D2}", tenant, patterns, enabled) with { Filter = FilterSamples.Compile(filter) }, CancellationToken.None);
                    live[added.Id] = added;
                }

                for (var i = 0; i < specs.Length; i++)
                {
                    var id = $"sub-{i:D2}";
                    var current = live[id];
                    switch (changes[i].Change)
                    {
                        case 1:
                            live[id] = await store.ReplaceAsync(current with { EventTypes = changes[i].Patterns.Distinct().ToList() }, current.ETag!, CancellationToken.None);
                            break;
                        case 2:
                            var toggled = current.Status == SubscriptionStatus.Enabled ? SubscriptionStatus.Disabled : SubscriptionStatus.Enabled;
                            live[id] = await store.ReplaceAsync(current with { Status = toggled }, current.ETag!, CancellationToken.None);
                            break;
                        case 3:
                            await store.DeleteAsync(id, CancellationToken.None);
                            live.Remove(id);
                            break;
                        case 4 or 5:
                            live[id] = await store.ReplaceAsync(current with { Filter = FilterSamples.Compile(changes[i].Filter) }, current.ETag!, CancellationToken.None);
                            break;
                    }
                }

                var eventStore = new InMemoryEventStore();
                var jobs = new CollectedDeliveryJobs();
                var fanOut = new FanOutService(new RecipientFinder(uncached, NullLogger<RecipientFinder>.Instance), eventStore, jobs, Options.Create(new DeliveryOptions()), NullLogger<FanOutService>.Instance);
                foreach (var webhookEvent in events)
                {
                    await eventStore.TryAddAsync(webhookEvent, CancellationToken.None);
                    jobs.Sent.Clear();

                    await fanOut.FanOutAsync(new EventNotice(webhookEvent.Id, webhookEvent.Type, null, webhookEvent.TenantId), CancellationToken.None);

                    Assert.Equal(Linear(live.Values, webhookEvent), jobs.SubscriptionIds.Order(StringComparer.Ordinal));
                }

                await IndexState.AssertConsistentAsync(storage.Tables.GetTableClient(storage.Names.SubscriptionsTable));
            },
            iter: 12,
            threads: 1);
    }

    private static IEnumerable<string> Linear(IEnumerable<Subscription> all, WebhookEvent webhookEvent) =>
        all.Where(s => s.Status == SubscriptionStatus.Enabled
                && s.TenantId == webhookEvent.TenantId
                && EventTypeFilter.Matches(s.EventTypes, webhookEvent.Type)
                && FilterSamples.Passes(s.Filter, webhookEvent))
            .Select(s => s.Id)
            .Order(StringComparer.Ordinal);

    internal static Subscription New(string id, string? tenantId, IEnumerable<string> patterns, bool enabled = true) => new()
    {
        Id = id,
        TenantId = tenantId,
        Url = new Uri("https://receiver.example/hooks"),
        EventTypes = patterns.Distinct(StringComparer.Ordinal).ToList(),
        Status = enabled ? SubscriptionStatus.Enabled : SubscriptionStatus.Disabled,
        Secrets = [new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)],
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };
}
