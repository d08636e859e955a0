using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Testing.Engine;
using WebhookFunctions.UnitTests.DeadLetters;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Application;

public sealed class DeadLetterPurgeTests
{
    private static readonly DateTimeOffset Now = DeadLetterServiceSetup.Now;
    private readonly DeadLetterServiceSetup setup = new();
    private readonly InMemoryDeadLetterStore store;
    private readonly InMemorySubscriptionStore subscriptions;
    private readonly DeadLetterService service;

    public DeadLetterPurgeTests()
    {
        (store, subscriptions, service) = (setup.Store, setup.Subscriptions, setup.Service);
        store.Items.AddRange(
        [
            DeadLetterOf("evt_1", "sub_a", "order.created"),
            DeadLetterOf("evt_2", "sub_a", "invoice.paid"),
            DeadLetterOf("evt_3", "sub_a", "order.created"),
            DeadLetterOf("evt_4", "sub_a", "order.created"),
        ]);
    }

    [Fact]
    public async Task A_purge_removes_one_page_of_matches_and_the_token_purges_the_rest()
    {
        var filter = new DeadLetterFilter(EventType: "order.created");

        var first = (await service.PurgeAsync(filter, 2, null, dryRun: false, CancellationToken.None)).Value!;
        Assert.Equal((2, 2), (first.Matched, first.Purged));
        Assert.NotNull(first.ContinuationToken);
        Assert.Equal(["evt_2", "evt_4"], store.Items.Select(d => d.EventId));

        var rest = (await service.PurgeAsync(filter, 2, first.ContinuationToken, dryRun: false, CancellationToken.None)).Value!;
        Assert.Equal(new PurgeReport(1, 1, null), rest);
        Assert.Equal(["evt_2"], store.Items.Select(d => d.EventId));
    }

    [Fact]
    public async Task Without_a_limit_a_purge_takes_the_listings_default_page()
    {
        store.Items.Clear();
        store.Items.AddRange(Enumerable.Range(0, Paging.DefaultLimit + 1).Select(i => DeadLetterOf($"evt_{i:000}", "sub_a", "order.created")));

        var report = (await service.PurgeAsync(new DeadLetterFilter(), null, null, dryRun: false, CancellationToken.None)).Value!;

        Assert.Equal((Paging.DefaultLimit, Paging.DefaultLimit), (report.Matched, report.Purged));
        Assert.NotNull(report.ContinuationToken);
        Assert.Single(store.Items);
    }

    [Fact]
    public async Task A_dry_run_counts_the_page_and_removes_nothing()
    {
        var report = (await service.PurgeAsync(new DeadLetterFilter(EventType: "order.created"), 2, null, dryRun: true, CancellationToken.None)).Value!;

        Assert.Equal((2, 0), (report.Matched, report.Purged));
        Assert.NotNull(report.ContinuationToken);
        Assert.Equal(4, store.Items.Count);
    }

    [Theory]
    [InlineData(2, 1, null, null, "until", "until must be later than since.")]
    [InlineData(1, 1, null, null, "until", "until must be later than since.")]
    [InlineData(null, null, 0, null, "limit", "limit must be a whole number from 1 to 200.")]
    [InlineData(null, null, 201, null, "limit", "limit must be a whole number from 1 to 200.")]
    [InlineData(null, null, null, "a b", "tenantId", "The tenantId must be 1 to 64 characters of letters, digits, '.', '_' and '-'.")]
    public async Task Bad_input_is_refused_with_the_listings_rules_and_nothing_is_removed(int? sinceHour, int? untilHour, int? limit, string? tenantId, string field, string message)
    {
        var filter = new DeadLetterFilter(Since: At(sinceHour), Until: At(untilHour), TenantId: tenantId);

        var purge = await service.PurgeAsync(filter, limit, null, dryRun: false, CancellationToken.None);
        var listing = await service.ListAsync(filter, limit, null, CancellationToken.None);

        Assert.Equal(ErrorKind.Validation, purge.Error!.Kind);
        Assert.Equal([message], purge.Error.FieldErrors![field]);
        Assert.Equal(listing.Error!.FieldErrors![field], purge.Error.FieldErrors[field]);
        Assert.Equal(4, store.Items.Count);
    }

    [Fact]
    public async Task A_token_the_store_did_not_issue_is_a_continuation_token_error()
    {
        var purge = await service.PurgeAsync(new DeadLetterFilter(), null, "forged", dryRun: false, CancellationToken.None);

        Assert.Equal(ErrorKind.Validation, purge.Error!.Kind);
        Assert.Equal(["continuationToken"], purge.Error.FieldErrors!.Keys);
        Assert.Equal(4, store.Items.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_subscription_id_naming_no_subscription_and_no_dead_letter_is_not_found(bool dryRun)
    {
        var purge = await service.PurgeAsync(new DeadLetterFilter(SubscriptionId: "sub_missing"), null, null, dryRun, CancellationToken.None);

        Assert.Equal((ErrorKind.NotFound, "Subscription 'sub_missing' was not found."), (purge.Error!.Kind, purge.Error.Detail));
        Assert.Equal(4, store.Items.Count);
    }

    [Fact]
    public async Task An_existing_subscription_without_dead_letters_purges_nothing_and_is_not_an_error()
    {
        await subscriptions.AddAsync(SubscriptionOf("sub_quiet"), CancellationToken.None);

        var purge = await service.PurgeAsync(new DeadLetterFilter(SubscriptionId: "sub_quiet"), null, null, dryRun: false, CancellationToken.None);

        Assert.Equal(new PurgeReport(0, 0, null), purge.Value);
    }

    [Fact]
    public async Task The_dead_letters_of_a_deleted_subscription_can_be_purged_by_its_id()
    {
        await subscriptions.DeleteAsync("sub_a", CancellationToken.None);

        var purge = await service.PurgeAsync(new DeadLetterFilter(SubscriptionId: "sub_a", EventType: "order.created"), null, null, dryRun: false, CancellationToken.None);

        Assert.Equal(new PurgeReport(3, 3, null), purge.Value);
        Assert.Equal(["evt_2"], store.Items.Select(d => d.EventId));
    }

    [Fact]
    public async Task The_last_page_of_a_deleted_subscriptions_purge_is_not_a_404_when_it_finds_nothing_left()
    {
        await subscriptions.DeleteAsync("sub_a", CancellationToken.None);
        var filter = new DeadLetterFilter(SubscriptionId: "sub_a");
        var first = (await service.PurgeAsync(filter, 2, null, dryRun: false, CancellationToken.None)).Value!;
        store.Items.Clear();

        var last = await service.PurgeAsync(filter, 2, first.ContinuationToken, dryRun: false, CancellationToken.None);

        Assert.Equal(new PurgeReport(0, 0, null), last.Value);
    }

    private static DateTimeOffset? At(int? hour) => hour is { } h ? Now.AddHours(h) : null;

    private static DeadLetter DeadLetterOf(string eventId, string subscriptionId, string eventType) =>
        DeadLetterServiceSetup.DeadLetterOf(eventId, subscriptionId) with { EventType = eventType };

    private static Subscription SubscriptionOf(string id) => DeadLetterServiceSetup.SubscriptionOf(id);
}
