using CsCheck;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Testing.Engine;

namespace WebhookFunctions.UnitTests.Subscriptions;

/// <summary>
/// The index lookup (the candidate patterns of a type, each looked up directly) finds exactly what the linear matcher
/// that scanned every subscription found, on random subscriptions and events: exact types, nested prefixes and "*",
/// tenants and none, enabled and disabled. Segments come from a three-letter alphabet so that overlaps are frequent.
/// </summary>
public sealed class IndexLookupPropertyTests
{
    private static readonly Gen<string> Segment = Gen.OneOf("a", "b", "c");

    private static readonly Gen<string> EventType = Segment.Array[1, 4].Select(segments => string.Join('.', segments));

    private static readonly Gen<string> Pattern = Gen.Frequency(
        (4, (IGen<string>)EventType),
        (3, Segment.Array[1, 3].Select(segments => string.Join('.', segments) + ".*")),
        (1, Gen.Const(EventTypeFilter.All)));

    private static readonly Gen<string?> Tenant = Gen.OneOf<string?>(null, "t1", "t2");

    private static readonly Gen<Subscription> RandomSubscription =
        Gen.Select(Tenant, Pattern.Array[1, 4], Gen.Bool, Gen.Guid, (tenant, patterns, enabled, id) => new Subscription
        {
            Id = $"sub_{id:N}",
            TenantId = tenant,
            Url = new Uri("https://receiver.example/hooks"),
            EventTypes = patterns.Distinct(StringComparer.Ordinal).ToList(),
            Status = enabled ? SubscriptionStatus.Enabled : SubscriptionStatus.Disabled,
            Secrets = [new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)],
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
        });

    [Fact]
    public void Candidate_patterns_are_exactly_the_patterns_that_match()
    {
        Gen.Select(EventType, Pattern).Sample((type, pattern) =>
            Assert.Equal(EventTypeFilter.Matches([pattern], type), EventTypeFilter.CandidatePatterns(type).Contains(pattern)));
    }

    [Fact]
    public void Candidate_patterns_of_a_nested_type()
    {
        Assert.Equal(["a.b.c", "a.*", "a.b.*", "*"], EventTypeFilter.CandidatePatterns("a.b.c"));
        Assert.Equal(["order", "*"], EventTypeFilter.CandidatePatterns("order"));
    }

    [Fact]
    public async Task The_index_lookup_finds_what_the_linear_matcher_found()
    {
        var cases = Gen.Select(RandomSubscription.Array[0, 40], Gen.Select(Tenant, EventType).Array[1, 8]);
        await cases.SampleAsync(
            async (subscriptions, events) =>
            {
                var store = new InMemorySubscriptionStore();
                foreach (var subscription in subscriptions)
                {
                    await store.AddAsync(subscription, CancellationToken.None);
                }

                using var cache = new CachingSubscriptionStore(store, Microsoft.Extensions.Options.Options.Create(new DeliveryOptions()), TimeProvider.System);
                foreach (var (tenant, type) in events)
                {
                    var found = await cache.MatchingAsync(tenant, type, CancellationToken.None);
                    Assert.Equal(LinearMatch(subscriptions, tenant, type), found.Order(StringComparer.Ordinal));
                    Assert.Equal(found.Count, found.Distinct().Count());
                }
            },
            iter: 300);
    }

    /// <summary>How fan-out chose its targets before the index: a scan of every subscription.</summary>
    internal static IEnumerable<string> LinearMatch(IEnumerable<Subscription> all, string? tenantId, string eventType) =>
        all.Where(s => s.Status == SubscriptionStatus.Enabled
                && string.Equals(s.TenantId, tenantId, StringComparison.Ordinal)
                && EventTypeFilter.Matches(s.EventTypes, eventType))
            .Select(s => s.Id)
            .Order(StringComparer.Ordinal);
}
