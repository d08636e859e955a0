using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class DeadLetterTableStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private DeadLetterTableStore store = null!;
    private TestStorage storage = null!;

    public async Task InitializeAsync()
    {
        storage = await TestStorage.CreateAsync(azurite);
        store = new DeadLetterTableStore(storage.Tables, storage.Names);
        await store.AddAsync(DeadLetterOf("evt-1", "sub-a", "order.created", Start), CancellationToken.None);
        await store.AddAsync(DeadLetterOf("evt-2", "sub-a", "invoice.paid", Start.AddHours(1)), CancellationToken.None);
        await store.AddAsync(DeadLetterOf("evt-3", "sub-b", "order.created", Start.AddHours(2)), CancellationToken.None);
        await store.AddAsync(DeadLetterOf("evt-4", "sub-b", "order.created", Start.AddHours(3)), CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_dead_letter_round_trips_every_field()
    {
        var page = await store.ListAsync(new DeadLetterFilter(EventId: "evt-2"), 10, null, CancellationToken.None);

        Assert.Equal([DeadLetterOf("evt-2", "sub-a", "invoice.paid", Start.AddHours(1))], page.Items);
    }

    [Theory]
    [InlineData("sub-a", null, null, null, new[] { "evt-1", "evt-2" })]
    [InlineData(null, "order.created", null, null, new[] { "evt-1", "evt-3", "evt-4" })]
    [InlineData(null, "order.created", 1, 3, new[] { "evt-3" })]
    [InlineData("sub-b", null, 3, null, new[] { "evt-4" })]
    [InlineData("sub-a' or PartitionKey ne '", null, null, null, new string[0])]
    public async Task Listing_returns_exactly_what_the_filter_matches(string? subscriptionId, string? eventType, int? sinceHours, int? untilHours, string[] expected)
    {
        var filter = new DeadLetterFilter(subscriptionId, null, eventType, Hours(sinceHours), Hours(untilHours));

        var page = await store.ListAsync(filter, 10, null, CancellationToken.None);

        Assert.Equal(expected, page.Items.Select(d => d.EventId).Order());
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task Listing_pages_with_continuation_tokens()
    {
        var filter = new DeadLetterFilter(EventType: "order.created");

        var first = await store.ListAsync(filter, 2, null, CancellationToken.None);
        var second = await store.ListAsync(filter, 2, first.ContinuationToken, CancellationToken.None);

        Assert.Equal(["evt-1", "evt-3"], first.Items.Select(d => d.EventId));
        Assert.Equal(["evt-4"], second.Items.Select(d => d.EventId));
        Assert.Null(second.ContinuationToken);
    }

    [Fact]
    public async Task A_continuation_token_of_another_filter_is_refused()
    {
        var first = await store.ListAsync(new DeadLetterFilter(EventType: "order.created"), 1, null, CancellationToken.None);

        await Assert.ThrowsAsync<WebhookFunctions.Engine.Common.InvalidContinuationTokenException>(() =>
            store.ListAsync(new DeadLetterFilter(), 1, first.ContinuationToken, CancellationToken.None));
    }

    [Fact]
    public async Task A_second_dead_letter_of_the_same_event_and_subscription_replaces_the_first()
    {
        var again = DeadLetterOf("evt-1", "sub-a", "order.created", Start.AddDays(1)) with { Reason = DeadLetterReason.EndpointGone, Attempts = 1 };

        await store.AddAsync(again, CancellationToken.None);

        var page = await store.ListAsync(new DeadLetterFilter("sub-a", "evt-1"), 10, null, CancellationToken.None);
        Assert.Equal([again], page.Items);
    }

    [Fact]
    public async Task Replay_requeues_each_match_before_removing_it_and_leaves_the_rest()
    {
        var requeued = new List<string>();

        var count = await store.ReplayAsync(new DeadLetterFilter(EventType: "order.created"), dryRun: false, async (deadLetter, ct) =>
        {
            var stillStored = await store.ListAsync(new DeadLetterFilter(deadLetter.SubscriptionId, deadLetter.EventId), 1, null, ct);
            Assert.Single(stillStored.Items);
            requeued.Add(deadLetter.EventId);
            return true;
        }, CancellationToken.None);

        Assert.Equal(new ReplayCount(3, 3), count);
        Assert.Equal(["evt-1", "evt-3", "evt-4"], requeued);
        Assert.Equal(["evt-2"], (await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items.Select(d => d.EventId));
    }

    [Fact]
    public async Task A_dry_run_counts_matches_and_changes_nothing()
    {
        var count = await store.ReplayAsync(new DeadLetterFilter("sub-b"), dryRun: true, (_, _) => throw new InvalidOperationException("must not requeue"), CancellationToken.None);

        Assert.Equal(new ReplayCount(2, 0), count);
        Assert.Equal(4, (await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task A_requeue_that_throws_leaves_its_entry_in_place()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => store.ReplayAsync(new DeadLetterFilter("sub-b"), dryRun: false, (deadLetter, _) =>
            deadLetter.EventId == "evt-4" ? throw new TimeoutException("queue unreachable") : Task.FromResult(true), CancellationToken.None));

        var left = await store.ListAsync(new DeadLetterFilter("sub-b"), 10, null, CancellationToken.None);
        Assert.Equal(["evt-4"], left.Items.Select(d => d.EventId));
    }

    [Fact]
    public async Task A_fan_out_dead_letter_round_trips_with_its_stage_and_no_subscription()
    {
        var fanOut = FanOutDeadLetterOf("evt-9");
        await store.AddAsync(fanOut, CancellationToken.None);

        var page = await store.ListAsync(new DeadLetterFilter(EventId: "evt-9"), 10, null, CancellationToken.None);

        Assert.Equal([fanOut], page.Items);
    }

    [Theory]
    [InlineData(null, null, new[] { "evt-1", "evt-2", "evt-3", "evt-4", "evt-9" })]
    [InlineData(DeadLetterStage.FanOut, null, new[] { "evt-9" })]
    [InlineData(DeadLetterStage.Delivery, null, new[] { "evt-1", "evt-2", "evt-3", "evt-4" })]
    [InlineData(null, "fanout", new string[0])]
    [InlineData(DeadLetterStage.FanOut, "fanout", new string[0])]
    [InlineData(DeadLetterStage.FanOut, "sub-a", new string[0])]
    public async Task A_stage_filter_selects_its_stage_and_a_subscription_id_never_selects_fan_out(DeadLetterStage? stage, string? subscriptionId, string[] expected)
    {
        await store.AddAsync(FanOutDeadLetterOf("evt-9"), CancellationToken.None);

        var page = await store.ListAsync(new DeadLetterFilter(subscriptionId, Stage: stage), 10, null, CancellationToken.None);

        Assert.Equal(expected, page.Items.Select(d => d.EventId).Order());
    }

    [Fact]
    public async Task Replaying_the_fan_out_stage_hands_over_its_dead_letters_alone_and_removes_them()
    {
        await store.AddAsync(FanOutDeadLetterOf("evt-9"), CancellationToken.None);
        var requeued = new List<DeadLetter>();

        var count = await store.ReplayAsync(new DeadLetterFilter(Stage: DeadLetterStage.FanOut), dryRun: false, (deadLetter, _) =>
        {
            requeued.Add(deadLetter);
            return Task.FromResult(true);
        }, CancellationToken.None);

        Assert.Equal(new ReplayCount(1, 1), count);
        Assert.Equal([FanOutDeadLetterOf("evt-9")], requeued);
        Assert.Equal(["evt-1", "evt-2", "evt-3", "evt-4"], (await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items.Select(d => d.EventId).Order());
    }

    [Fact]
    public async Task A_dead_letter_the_requeue_declines_keeps_its_record_unchanged()
    {
        var before = (await store.ListAsync(new DeadLetterFilter("sub-b"), 10, null, CancellationToken.None)).Items;

        var count = await store.ReplayAsync(new DeadLetterFilter("sub-b"), dryRun: false, (deadLetter, _) => Task.FromResult(deadLetter.EventId != "evt-4"), CancellationToken.None);

        Assert.Equal(new ReplayCount(2, 1), count);
        var kept = Assert.Single((await store.ListAsync(new DeadLetterFilter("sub-b"), 10, null, CancellationToken.None)).Items);
        Assert.Equal(before.Single(d => d.EventId == "evt-4"), kept);
    }

    [Theory]
    [InlineData("sub-a", null, null, null, new[] { "evt-1", "evt-2" })]
    [InlineData(null, "order.created", 1, 3, new[] { "evt-3" })]
    [InlineData("sub-b", "order.created", 3, null, new[] { "evt-4" })]
    public async Task A_purge_removes_what_the_filter_matches_and_leaves_the_rest_untouched(string? subscriptionId, string? eventType, int? sinceHours, int? untilHours, string[] purged)
    {
        var before = (await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items;

        var report = await store.PurgeAsync(new DeadLetterFilter(subscriptionId, null, eventType, Hours(sinceHours), Hours(untilHours)), 10, null, dryRun: false, CancellationToken.None);

        Assert.Equal(new PurgeReport(purged.Length, purged.Length, null), report);
        var after = (await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items;
        Assert.Equal(before.Where(d => !purged.Contains(d.EventId)), after);
    }

    [Fact]
    public async Task A_purge_is_bounded_by_its_limit_and_its_token_purges_the_rest()
    {
        var filter = new DeadLetterFilter(EventType: "order.created");

        var first = await store.PurgeAsync(filter, 2, null, dryRun: false, CancellationToken.None);
        var left = await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None);
        var second = await store.PurgeAsync(filter, 2, first.ContinuationToken, dryRun: false, CancellationToken.None);

        Assert.Equal((2, 2), (first.Matched, first.Purged));
        Assert.NotNull(first.ContinuationToken);
        Assert.Equal(["evt-2", "evt-4"], left.Items.Select(d => d.EventId));
        Assert.Equal(new PurgeReport(1, 1, null), second);
        Assert.Equal(["evt-2"], (await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items.Select(d => d.EventId));
    }

    [Fact]
    public async Task A_dry_run_purge_counts_the_page_hands_on_the_same_token_and_deletes_nothing()
    {
        var filter = new DeadLetterFilter(EventType: "order.created");
        var listed = await store.ListAsync(filter, 2, null, CancellationToken.None);

        var counted = await store.PurgeAsync(filter, 2, null, dryRun: true, CancellationToken.None);
        var rest = await store.PurgeAsync(filter, 2, counted.ContinuationToken, dryRun: true, CancellationToken.None);

        Assert.Equal((2, 0, listed.ContinuationToken), (counted.Matched, counted.Purged, counted.ContinuationToken));
        Assert.Equal(new PurgeReport(1, 0, null), rest);
        Assert.Equal(4, (await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task A_purge_token_of_another_filter_is_refused_and_nothing_is_deleted()
    {
        var first = await store.PurgeAsync(new DeadLetterFilter(EventType: "order.created"), 1, null, dryRun: true, CancellationToken.None);

        await Assert.ThrowsAsync<WebhookFunctions.Engine.Common.InvalidContinuationTokenException>(() =>
            store.PurgeAsync(new DeadLetterFilter(), 1, first.ContinuationToken, dryRun: false, CancellationToken.None));

        Assert.Equal(4, (await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task A_purge_by_stage_removes_the_fan_out_dead_letters_alone()
    {
        await store.AddAsync(FanOutDeadLetterOf("evt-9"), CancellationToken.None);

        var report = await store.PurgeAsync(new DeadLetterFilter(Stage: DeadLetterStage.FanOut), 10, null, dryRun: false, CancellationToken.None);

        Assert.Equal(new PurgeReport(1, 1, null), report);
        Assert.Equal(["evt-1", "evt-2", "evt-3", "evt-4"], (await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items.Select(d => d.EventId).Order());
    }

    [Fact]
    public async Task A_dead_letter_written_again_between_the_read_and_the_delete_is_matched_but_not_purged()
    {
        var again = DeadLetterOf("evt-3", "sub-b", "order.created", Start.AddDays(1)) with { Attempts = 1 };
        var options = new TableClientOptions();
        options.AddPolicy(new BeforeFirstDelete(() => store.AddAsync(again, CancellationToken.None)), HttpPipelinePosition.PerCall);
        var racing = new DeadLetterTableStore(new TableServiceClient(azurite.ConnectionString, options), storage.Names);

        var report = await racing.PurgeAsync(new DeadLetterFilter("sub-b"), 10, null, dryRun: false, CancellationToken.None);

        Assert.Equal(new PurgeReport(2, 1, null), report);
        Assert.Equal([again], (await store.ListAsync(new DeadLetterFilter("sub-b"), 10, null, CancellationToken.None)).Items);
    }

    private static DeadLetter FanOutDeadLetterOf(string eventId) =>
        RedeliveryLimitDeadLetters.For(new EventNotice(eventId, "order.created", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), "received 21 times without being completed", 21, Start.AddMinutes(-5), Start.AddHours(4));

    private static DateTimeOffset? Hours(int? hours) => hours is { } h ? Start.AddHours(h) : null;

    private static DeadLetter DeadLetterOf(string eventId, string subscriptionId, string eventType, DateTimeOffset lastAttemptAt) =>
        new(eventId, subscriptionId, eventType, DeadLetterReason.MaxAttemptsExceeded, "10 attempts failed", 10, Start.AddDays(-1), lastAttemptAt, 503, "serviceUnavailable", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

    /// <summary>Runs a write just before the first DELETE the client sends, as another writer racing the purge would.</summary>
    private sealed class BeforeFirstDelete(Func<Task> write) : HttpPipelinePolicy
    {
        private int fired;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method == RequestMethod.Delete && Interlocked.Exchange(ref fired, 1) == 0)
            {
                await write();
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The store calls the asynchronous API only.");
    }
}
