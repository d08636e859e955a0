using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Testing.Engine;
using WebhookFunctions.UnitTests.DeadLetters;
using WebhookFunctions.UnitTests.Fakes;
using static WebhookFunctions.UnitTests.DeadLetters.DeadLetterServiceSetup;

namespace WebhookFunctions.UnitTests.Application;

public sealed class DeadLetterServiceTests
{
    private static readonly DateTimeOffset Now = DeadLetterServiceSetup.Now;
    private readonly DeadLetterServiceSetup setup = new();
    private readonly InMemoryDeadLetterStore store;
    private readonly RecordingTransport transport;
    private readonly InMemorySubscriptionStore subscriptions;
    private readonly InMemoryEventStore events;
    private readonly DeadLetterService service;

    public DeadLetterServiceTests() =>
        (store, transport, subscriptions, events, service) = (setup.Store, setup.Transport, setup.Subscriptions, setup.Events, setup.Service);

    [Fact]
    public async Task Replay_requeues_each_match_at_attempt_one_and_removes_it()
    {
        store.Items.Add(DeadLetterOf("evt_1", "sub_a"));
        store.Items.Add(DeadLetterOf("evt_2", "sub_b"));

        var result = await service.ReplayAsync(new DeadLetterFilter(SubscriptionId: "sub_a"), dryRun: false, CancellationToken.None);

        Assert.Equal((1, 1), Counts(result));
        var job = Assert.Single(transport.Sent);
        Assert.Equal(("evt_1", 1), (job.EventId, job.Attempt));
        Assert.Equal(["sub_a"], job.SubscriptionIds);
        Assert.Equal("evt_2", Assert.Single(store.Items).EventId);
    }

    [Fact]
    public async Task A_dry_run_counts_without_requeueing_or_removing()
    {
        store.Items.Add(DeadLetterOf("evt_1", "sub_a"));

        var result = await service.ReplayAsync(new DeadLetterFilter(), dryRun: true, CancellationToken.None);

        Assert.Equal((1, 0), Counts(result));
        Assert.Empty(transport.Sent);
        Assert.Single(store.Items);
    }

    [Fact]
    public async Task An_inverted_time_range_is_refused_before_the_store_is_touched()
    {
        store.Items.Add(DeadLetterOf("evt_1", "sub_a"));

        var result = await service.ReplayAsync(new DeadLetterFilter(Since: Now, Until: Now.AddHours(-1)), dryRun: false, CancellationToken.None);

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Equal(0, store.Calls);
        Assert.Empty(transport.Sent);
    }

    [Fact]
    public async Task A_fan_out_dead_letter_is_replayed_as_a_new_event_notice_so_the_event_fans_out_again()
    {
        store.Items.Add(FanOutDeadLetterOf("evt_9"));
        store.Items.Add(DeadLetterOf("evt_1", "sub_a"));

        var result = await service.ReplayAsync(new DeadLetterFilter(Stage: DeadLetterStage.FanOut), dryRun: false, CancellationToken.None);

        Assert.Equal((1, 1), Counts(result));
        Assert.Equal(new EventNotice("evt_9", "order.created", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), Assert.Single(transport.Notices));
        Assert.Empty(transport.Sent);
        Assert.Equal("evt_1", Assert.Single(store.Items).EventId);
    }

    [Fact]
    public async Task A_fan_out_replay_resends_the_notice_so_duplicate_detection_cannot_drop_it()
    {
        var resending = new ResendingEventQueue();
        var replaying = ServiceOver(resending);
        store.Items.Add(FanOutDeadLetterOf("evt_9"));

        await replaying.ReplayAsync(new DeadLetterFilter(), dryRun: false, CancellationToken.None);

        Assert.Equal(["resend evt_9"], resending.Calls);
    }

    [Fact]
    public async Task Replaying_both_stages_sends_each_dead_letter_the_way_its_stage_needs()
    {
        store.Items.Add(FanOutDeadLetterOf("evt_9"));
        store.Items.Add(DeadLetterOf("evt_1", "sub_a"));

        var result = await service.ReplayAsync(new DeadLetterFilter(), dryRun: false, CancellationToken.None);

        Assert.Equal((2, 2), Counts(result));
        Assert.Equal("evt_9", Assert.Single(transport.Notices).EventId);
        Assert.Equal(["sub_a"], Assert.Single(transport.Sent).SubscriptionIds);
    }

    [Fact]
    public async Task A_dead_letter_whose_subscription_is_disabled_is_not_replayed_and_keeps_its_record()
    {
        await DisableAsync("sub_a");
        var gone = DeadLetterOf("evt_1", "sub_a") with { Reason = DeadLetterReason.EndpointGone, Attempts = 1, LastStatusCode = 410 };
        store.Items.Add(gone);
        store.Items.Add(DeadLetterOf("evt_2", "sub_a"));
        store.Items.Add(DeadLetterOf("evt_3", "sub_b"));

        var result = await service.ReplayAsync(new DeadLetterFilter(), dryRun: false, CancellationToken.None);

        Assert.Equal((3, 1), Counts(result));
        Assert.Equal(new Dictionary<ReplaySkipCause, int> { [ReplaySkipCause.SubscriptionDisabled] = 2 }, result.Value!.Skipped);
        Assert.Equal(["sub_b"], Assert.Single(transport.Sent).SubscriptionIds);
        Assert.Contains(gone, store.Items);
        Assert.Equal(["evt_1", "evt_2"], store.Items.Select(d => d.EventId).Order());
    }

    [Fact]
    public async Task A_dead_letter_whose_subscription_was_deleted_or_whose_event_is_gone_is_kept_and_counted_by_cause()
    {
        await subscriptions.DeleteAsync("sub_b", CancellationToken.None);
        events.Items.TryRemove("evt_2", out _);
        store.Items.Add(DeadLetterOf("evt_1", "sub_b"));
        store.Items.Add(DeadLetterOf("evt_2", "sub_a"));
        store.Items.Add(FanOutDeadLetterOf("evt_2"));
        store.Items.Add(DeadLetterOf("evt_3", "sub_a"));

        var result = await service.ReplayAsync(new DeadLetterFilter(), dryRun: false, CancellationToken.None);

        Assert.Equal((4, 1), Counts(result));
        Assert.Equal(
            new Dictionary<ReplaySkipCause, int> { [ReplaySkipCause.SubscriptionDeleted] = 1, [ReplaySkipCause.EventExpired] = 2 },
            result.Value!.Skipped);
        Assert.Equal("evt_3", Assert.Single(transport.Sent).EventId);
        Assert.Empty(transport.Notices);
        Assert.Equal(3, store.Items.Count);
    }

    [Fact]
    public async Task A_dry_run_reports_what_a_replay_would_skip_and_changes_nothing()
    {
        await DisableAsync("sub_a");
        store.Items.Add(DeadLetterOf("evt_1", "sub_a"));
        store.Items.Add(DeadLetterOf("evt_2", "sub_a"));
        store.Items.Add(DeadLetterOf("evt_3", "sub_b"));

        var result = await service.ReplayAsync(new DeadLetterFilter(), dryRun: true, CancellationToken.None);

        Assert.Equal((3, 0), Counts(result));
        Assert.Equal(new Dictionary<ReplaySkipCause, int> { [ReplaySkipCause.SubscriptionDisabled] = 2 }, result.Value!.Skipped);
        Assert.Empty(transport.Sent);
        Assert.Equal(3, store.Items.Count);
    }

    [Fact]
    public async Task Once_its_subscription_is_enabled_again_the_kept_dead_letter_replays()
    {
        await DisableAsync("sub_a");
        store.Items.Add(DeadLetterOf("evt_1", "sub_a"));
        await service.ReplayAsync(new DeadLetterFilter(), dryRun: false, CancellationToken.None);
        var disabled = (await subscriptions.GetAsync("sub_a", CancellationToken.None))!;
        await subscriptions.ReplaceAsync(disabled with { Status = SubscriptionStatus.Enabled, DisabledReason = null }, disabled.ETag!, CancellationToken.None);

        var result = await service.ReplayAsync(new DeadLetterFilter(SubscriptionId: "sub_a"), dryRun: false, CancellationToken.None);

        Assert.Equal((1, 1), Counts(result));
        Assert.Empty(result.Value!.Skipped);
        Assert.Empty(store.Items);
    }

    [Theory]
    [InlineData("sub_missing", null, "Subscription 'sub_missing' was not found.")]
    [InlineData(null, "evt_missing", "Event 'evt_missing' was not found.")]
    public async Task A_subscription_or_event_filter_naming_nothing_that_exists_is_not_found(string? subscriptionId, string? eventId, string detail)
    {
        store.Items.Add(DeadLetterOf("evt_1", "sub_a"));

        var result = await service.ReplayAsync(new DeadLetterFilter(subscriptionId, eventId), dryRun: false, CancellationToken.None);

        Assert.Equal((ErrorKind.NotFound, detail), (result.Error!.Kind, result.Error.Detail));
        Assert.Equal(0, store.Calls);
        Assert.Single(store.Items);
    }

    [Theory]
    [InlineData(DeadLetterStage.Delivery, "evt_1")]
    [InlineData(DeadLetterStage.FanOut, "evt_9")]
    public async Task A_stage_filter_lists_that_stage_alone(DeadLetterStage stage, string expectedEventId)
    {
        store.Items.Add(FanOutDeadLetterOf("evt_9"));
        store.Items.Add(DeadLetterOf("evt_1", "sub_a"));

        var page = await service.ListAsync(new DeadLetterFilter(Stage: stage), null, null, CancellationToken.None);

        Assert.Equal(expectedEventId, Assert.Single(page.Value!.Items).EventId);
    }

    [Fact]
    public void A_subscription_filter_never_selects_a_fan_out_dead_letter()
    {
        Assert.False(new DeadLetterFilter(SubscriptionId: "sub_a").Matches(FanOutDeadLetterOf("evt_9")));
        Assert.True(new DeadLetterFilter(EventId: "evt_9").Matches(FanOutDeadLetterOf("evt_9")));
    }

    private DeadLetterService ServiceOver(IEventQueue eventQueue) => setup.ServiceOver(eventQueue);

    private static (int Matched, int Replayed) Counts(Result<ReplayReport> result) => (result.Value!.Matched, result.Value.Replayed);

    private async Task DisableAsync(string subscriptionId)
    {
        var current = (await subscriptions.GetAsync(subscriptionId, CancellationToken.None))!;
        await subscriptions.ReplaceAsync(current with { Status = SubscriptionStatus.Disabled, DisabledReason = DisabledReason.EndpointGone }, current.ETag!, CancellationToken.None);
    }

    private static DeadLetter FanOutDeadLetterOf(string eventId) =>
        RedeliveryLimitDeadLetters.For(new EventNotice(eventId, "order.created", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "received 21 times without being completed", 21, Now.AddHours(-1), Now);

    private sealed class ResendingEventQueue : IEventQueue
    {
        public List<string> Calls { get; } = [];

        public Task SendAsync(EventNotice notice, CancellationToken cancellationToken)
        {
            Calls.Add($"send {notice.EventId}");
            return Task.CompletedTask;
        }

        public Task ResendAsync(EventNotice notice, CancellationToken cancellationToken)
        {
            Calls.Add($"resend {notice.EventId}");
            return Task.CompletedTask;
        }
    }
}
