using System.Text;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.FanOut;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Subscriptions.Filters;
using WebhookFunctions.Testing.Engine;
using WebhookFunctions.UnitTests.Fakes;
using WebhookFunctions.UnitTests.Subscriptions.Filters;

namespace WebhookFunctions.UnitTests.Subscriptions;

/// <summary>
/// The index lookup (the candidate patterns of a type, each looked up directly) finds exactly what the linear matcher
/// that scanned every subscription found, on random subscriptions and events: exact types, nested prefixes and "*",
/// tenants and none, enabled and disabled, with and without payload filters. Segments come from a three-letter
/// alphabet so that overlaps are frequent.
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

    /// <summary>No filter half the time, else a random one over the envelopes of <see cref="RandomEvent"/>.</summary>
    private static readonly Gen<string?> Filter = Gen.Frequency(
        (1, (IGen<string?>)Gen.Const((string?)null)),
        (1, FilterGenerators.Filter.Select(json => (string?)json)));

    private static readonly Gen<Subscription> RandomSubscription =
        Gen.Select(Tenant, Pattern.Array[1, 4], Gen.Bool, Filter, Gen.Guid, (tenant, patterns, enabled, filter, id) => new Subscription
        {
            Id = $"sub_{id:N}",
            TenantId = tenant,
            Url = new Uri("https://receiver.example/hooks"),
            EventTypes = patterns.Distinct(StringComparer.Ordinal).ToList(),
            Filter = filter is null ? null : FilterEvaluation.Compile(filter),
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
                    var found = (await cache.MatchingAsync(tenant, type, CancellationToken.None)).Select(entry => entry.SubscriptionId).ToList();
                    Assert.Equal(LinearMatch(subscriptions, tenant, type), found.Order(StringComparer.Ordinal));
                    Assert.Equal(found.Count, found.Distinct().Count());
                }
            },
            iter: 300);
    }

    /// <summary>
    /// Fan-out decides payload filters from the index entries alone: its jobs name exactly the subscriptions a scan of
    /// every subscription finds by tenant, status, type and filter, also after random replacements of the filter
    /// (set, changed, removed) made through the cache while its lookups are held (a cache duration of 5 s, no time passing).
    /// </summary>
    [Fact]
    public async Task Fan_out_with_payload_filters_finds_what_the_linear_matcher_found_after_filter_changes()
    {
        var cases = Gen.Select(RandomSubscription.Array[0, 30], Filter.Array[30], Gen.Bool.Array[30], RandomEvent.Array[1, 6]);
        await cases.SampleAsync(
            async (subscriptions, newFilters, changed, events) =>
            {
                var store = new InMemorySubscriptionStore();
                using var cache = new CachingSubscriptionStore(store, Microsoft.Extensions.Options.Options.Create(new DeliveryOptions()), TimeProvider.System);
                var live = new Dictionary<string, Subscription>(StringComparer.Ordinal);
                foreach (var subscription in subscriptions)
                {
                    live[subscription.Id] = await cache.AddAsync(subscription, CancellationToken.None);
                }

                await AssertFanOutAsync(cache, live.Values, events);
                for (var i = 0; i < subscriptions.Length; i++)
                {
                    if (changed[i])
                    {
                        var current = live[subscriptions[i].Id];
                        var filter = newFilters[i] is { } json ? FilterEvaluation.Compile(json) : null;
                        live[current.Id] = await cache.ReplaceAsync(current with { Filter = filter }, current.ETag!, CancellationToken.None);
                    }
                }

                await AssertFanOutAsync(cache, live.Values, events);
            },
            iter: 200);
    }

    /// <summary>How fan-out chose its targets before the index: a scan of every subscription.</summary>
    internal static IEnumerable<string> LinearMatch(IEnumerable<Subscription> all, string? tenantId, string eventType) =>
        all.Where(s => s.Status == SubscriptionStatus.Enabled
                && string.Equals(s.TenantId, tenantId, StringComparison.Ordinal)
                && EventTypeFilter.Matches(s.EventTypes, eventType))
            .Select(s => s.Id)
            .Order(StringComparer.Ordinal);

    /// <summary>Random events over the filters' vocabulary: the type from the patterns' alphabet, data and subject from the filters'.</summary>
    private static Gen<WebhookEvent> RandomEvent =>
        Gen.Select(Tenant, EventType, FilterGenerators.Data, FilterGenerators.Subject, (tenant, type, data, subject) =>
            new WebhookEvent($"evt_{Guid.NewGuid():N}", type, DateTimeOffset.UnixEpoch, subject, null, Encoding.UTF8.GetBytes(data), null, TenantId: tenant));

    private static async Task AssertFanOutAsync(CachingSubscriptionStore cache, IEnumerable<Subscription> all, WebhookEvent[] events)
    {
        foreach (var webhookEvent in events)
        {
            var stored = new InMemoryEventStore();
            await stored.TryAddAsync(webhookEvent, CancellationToken.None);
            var transport = new RecordingTransport();
            var fanOut = new FanOutService(new RecipientFinder(cache, NullLogger<RecipientFinder>.Instance), stored, transport, Microsoft.Extensions.Options.Options.Create(new DeliveryOptions()), NullLogger<FanOutService>.Instance);

            await fanOut.FanOutAsync(new EventNotice(webhookEvent.Id, webhookEvent.Type, null, webhookEvent.TenantId), CancellationToken.None);

            var targeted = transport.Sent.SelectMany(job => job.SubscriptionIds).ToList();
            using var filterable = FilterableEvent.From(webhookEvent);
            var expected = LinearMatch(all, webhookEvent.TenantId, webhookEvent.Type)
                .Where(id => all.First(s => s.Id == id).Filter is not { } filter || filter.Matches(filterable));
            Assert.Equal(expected, targeted.Order(StringComparer.Ordinal));
            Assert.Equal(targeted.Count, targeted.Distinct().Count());
        }
    }
}
