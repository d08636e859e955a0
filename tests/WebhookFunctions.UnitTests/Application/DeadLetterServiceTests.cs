using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Application;

public sealed class DeadLetterServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);
    private readonly InMemoryDeadLetterStore store = new();
    private readonly RecordingTransport transport = new();
    private readonly DeadLetterService service;

    public DeadLetterServiceTests() => service = new DeadLetterService(store, transport, transport, NullLogger<DeadLetterService>.Instance);

    [Fact]
    public async Task Replay_requeues_each_match_at_attempt_one_and_removes_it()
    {
        store.Items.Add(DeadLetterOf("evt_1", "sub_a"));
        store.Items.Add(DeadLetterOf("evt_2", "sub_b"));

        var result = await service.ReplayAsync(new DeadLetterFilter(SubscriptionId: "sub_a"), dryRun: false, CancellationToken.None);

        Assert.Equal(new ReplayCount(1, 1), result.Value);
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

        Assert.Equal(new ReplayCount(1, 0), result.Value);
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

        Assert.Equal(new ReplayCount(1, 1), result.Value);
        Assert.Equal(new EventNotice("evt_9", "order.created", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), Assert.Single(transport.Notices));
        Assert.Empty(transport.Sent);
        Assert.Equal("evt_1", Assert.Single(store.Items).EventId);
    }

    [Fact]
    public async Task A_fan_out_replay_resends_the_notice_so_duplicate_detection_cannot_drop_it()
    {
        var events = new ResendingEventQueue();
        var replaying = new DeadLetterService(store, transport, events, NullLogger<DeadLetterService>.Instance);
        store.Items.Add(FanOutDeadLetterOf("evt_9"));

        await replaying.ReplayAsync(new DeadLetterFilter(), dryRun: false, CancellationToken.None);

        Assert.Equal(["resend evt_9"], events.Calls);
    }

    [Fact]
    public async Task Replaying_both_stages_sends_each_dead_letter_the_way_its_stage_needs()
    {
        store.Items.Add(FanOutDeadLetterOf("evt_9"));
        store.Items.Add(DeadLetterOf("evt_1", "sub_a"));

        var result = await service.ReplayAsync(new DeadLetterFilter(), dryRun: false, CancellationToken.None);

        Assert.Equal(new ReplayCount(2, 2), result.Value);
        Assert.Equal("evt_9", Assert.Single(transport.Notices).EventId);
        Assert.Equal(["sub_a"], Assert.Single(transport.Sent).SubscriptionIds);
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

    private static DeadLetter FanOutDeadLetterOf(string eventId) =>
        RedeliveryLimitDeadLetters.For(new EventNotice(eventId, "order.created", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "received 21 times without being completed", 21, Now.AddHours(-1), Now);

    private static DeadLetter DeadLetterOf(string eventId, string subscriptionId) =>
        new(eventId, subscriptionId, "order.created", DeadLetterReason.MaxAttemptsExceeded, "gave up", 10, Now.AddDays(-3), Now, 500, null, null);

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

    private sealed class InMemoryDeadLetterStore : IDeadLetterStore
    {
        public List<DeadLetter> Items { get; } = [];

        public int Calls { get; private set; }

        public Task<Page<DeadLetter>> ListAsync(DeadLetterFilter filter, int limit, string? continuationToken, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(new Page<DeadLetter>(Items.Where(filter.Matches).Take(limit).ToList(), null));
        }

        public async Task<ReplayCount> ReplayAsync(DeadLetterFilter filter, bool dryRun, Func<DeadLetter, CancellationToken, Task> requeue, CancellationToken cancellationToken)
        {
            Calls++;
            var matches = Items.Where(filter.Matches).ToList();
            if (dryRun)
            {
                return new ReplayCount(matches.Count, 0);
            }

            foreach (var deadLetter in matches)
            {
                await requeue(deadLetter, cancellationToken);
                Items.Remove(deadLetter);
            }

            return new ReplayCount(matches.Count, matches.Count);
        }
    }
}
