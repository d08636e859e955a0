using CsCheck;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.SubscriptionIndex;

/// <summary>
/// The table's index against the linear matcher, on Azurite: random subscriptions (tenants and none, exact types,
/// nested prefixes, "*", enabled and disabled) are created, then randomly re-patterned, disabled or deleted through the
/// store; every random event then finds exactly what a scan of every subscription finds, and the index holds exactly
/// the entries the subscriptions call for.
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

    private static readonly Gen<(string? Tenant, string[] Patterns, bool Enabled)> Spec = Gen.Select(Tenant, Pattern.Array[1, 3], Gen.Bool);

    /// <summary>0: keep, 1: new patterns, 2: toggle status, 3: delete.</summary>
    private static readonly Gen<(int Change, string[] Patterns)> Change = Gen.Select(Gen.Int[0, 3], Pattern.Array[1, 3]);

    [Fact]
    public async Task Index_lookups_on_the_table_match_the_linear_matcher()
    {
        var cases = Gen.Select(Spec.Array[1, 20], Change.Array[20], Gen.Select(Tenant, EventType).Array[10]);
        await cases.SampleAsync(
            async (specs, changes, events) =>
            {
                var storage = await TestStorage.CreateAsync(azurite);
                var store = new SubscriptionTableStore(storage.Tables, storage.Names);
                using var uncached = new CachingSubscriptionStore(store, Options.Create(new DeliveryOptions { SubscriptionCacheDuration = TimeSpan.Zero }), TimeProvider.System);
                var live = new Dictionary<string, Subscription>();
                for (var i = 0; i < specs.Length; i++)
                {
                    var (tenant, patterns, enabled) = specs[i];
                    var added = await store.AddAsync(New($"sub-{i:D2}", tenant, patterns, enabled), CancellationToken.None);
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
                    }
                }

                foreach (var (tenant, type) in events)
                {
                    var found = await uncached.MatchingAsync(tenant, type, CancellationToken.None);
                    Assert.Equal(Linear(live.Values, tenant, type), found.Order(StringComparer.Ordinal));
                }

                await IndexState.AssertConsistentAsync(storage.Tables.GetTableClient(storage.Names.SubscriptionsTable));
            },
            iter: 12,
            threads: 1);
    }

    private static IEnumerable<string> Linear(IEnumerable<Subscription> all, string? tenantId, string eventType) =>
        all.Where(s => s.Status == SubscriptionStatus.Enabled && s.TenantId == tenantId && EventTypeFilter.Matches(s.EventTypes, eventType))
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
