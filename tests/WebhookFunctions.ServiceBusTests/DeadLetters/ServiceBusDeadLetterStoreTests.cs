using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.ServiceBus.DeadLetters;
using WebhookFunctions.ServiceBus.Handlers;
using WebhookFunctions.ServiceBus.Messages;
using WebhookFunctions.ServiceBusTests.Doubles;
using WebhookFunctions.Testing.Engine;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.DeadLetters;

public sealed class ServiceBusDeadLetterStoreTests : IAsyncDisposable
{
    private readonly TransportHarness harness = new();
    private readonly ServiceBusDeadLetterStore store;
    private readonly InMemorySubscriptionStore subscriptions = new();
    private readonly InMemoryEventStore events = new();

    public ServiceBusDeadLetterStoreTests() => store = new ServiceBusDeadLetterStore(harness.Client);

    [Fact]
    public async Task A_dead_letter_written_by_the_settlement_is_listed_as_it_was_written()
    {
        var original = Sample("evt_1", "sub_a");
        await DeadLetterAsync(original);

        var page = await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None);

        Assert.Equal([original], page.Items);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task The_cursor_continues_where_the_last_page_stopped_across_the_peeked_pages()
    {
        var written = new List<DeadLetter>();
        for (var i = 0; i < 250; i++)
        {
            written.Add(Sample($"evt_{i:000}", "sub_a"));
            await DeadLetterAsync(written[^1]);
        }

        var listed = new List<DeadLetter>();
        var tokens = new List<string?>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(new DeadLetterFilter(), 120, token, CancellationToken.None);
            listed.AddRange(page.Items);
            tokens.Add(token = page.ContinuationToken);
        }
        while (token is not null);

        Assert.Equal(written, listed);
        Assert.Equal([DeadLetterCursor.Encode(DeadLetterStage.Delivery, 121), DeadLetterCursor.Encode(DeadLetterStage.Delivery, 241), null], tokens);
    }

    [Fact]
    public async Task A_filtered_listing_returns_only_matches_and_pages_through_them()
    {
        for (var i = 0; i < 30; i++)
        {
            await DeadLetterAsync(Sample($"evt_{i:00}", i % 3 == 0 ? "sub_b" : "sub_a"));
        }

        var first = await store.ListAsync(new DeadLetterFilter(SubscriptionId: "sub_b"), 6, null, CancellationToken.None);
        var rest = await store.ListAsync(new DeadLetterFilter(SubscriptionId: "sub_b"), 6, first.ContinuationToken, CancellationToken.None);

        Assert.Equal(["evt_00", "evt_03", "evt_06", "evt_09", "evt_12", "evt_15"], first.Items.Select(d => d.EventId));
        Assert.Equal(["evt_18", "evt_21", "evt_24", "evt_27"], rest.Items.Select(d => d.EventId));
        Assert.Null(rest.ContinuationToken);
    }

    [Fact]
    public async Task One_listing_looks_at_no_more_than_the_scan_limit_and_hands_on_a_token_for_the_rest()
    {
        for (var i = 0; i < ServiceBusDeadLetterStore.ScanLimit; i++)
        {
            await DeadLetterAsync(Sample($"evt_{i:0000}", "sub_a"));
        }

        await DeadLetterAsync(Sample("evt_wanted", "sub_b"));
        var filter = new DeadLetterFilter(SubscriptionId: "sub_b");

        var first = await store.ListAsync(filter, 10, null, CancellationToken.None);
        var second = await store.ListAsync(filter, 10, first.ContinuationToken, CancellationToken.None);

        Assert.Empty(first.Items);
        Assert.Equal(DeadLetterCursor.Encode(DeadLetterStage.Delivery, ServiceBusDeadLetterStore.ScanLimit + 1), first.ContinuationToken);
        Assert.Equal("evt_wanted", Assert.Single(second.Items).EventId);
    }

    [Fact]
    public async Task A_token_from_elsewhere_is_refused()
    {
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => store.ListAsync(new DeadLetterFilter(), 10, "not-a-token", CancellationToken.None));
    }

    [Fact]
    public async Task Messages_the_broker_dead_lettered_itself_are_listed_from_their_delivery_job()
    {
        var job = new DeliveryJob("evt_stuck", "order.created", ["sub_a"], Attempt: 4, null, FirstAttemptAt: TransportHarness.Start.AddHours(-1), LastStatusCode: 503);
        harness.Broker.Send(WebhookTopology.Deliveries, ServiceBusMessages.From(DeliveryMessageShape.For(job)));
        for (var delivery = 0; delivery < MessagingNames.MaxDeliveryCount; delivery++)
        {
            harness.Broker.Abandon(harness.Broker.ReceiveNext(WebhookTopology.Deliveries)!.LockToken);
        }

        harness.Broker.Send(WebhookTopology.Deliveries, ServiceBusMessages.From(DeliveryMessageShape.For(job with { EventId = "evt_old" })));
        harness.Clock.Advance(WebhookTopology.MessageTimeToLive);

        var page = await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None);

        var stuck = page.Items.Single(d => d.EventId == "evt_stuck");
        Assert.Equal(("sub_a", "order.created", DeadLetterReason.MaxAttemptsExceeded, 4, 503), (stuck.SubscriptionId, stuck.EventType, stuck.Reason, stuck.Attempts, stuck.LastStatusCode));
        Assert.Equal("Service Bus dead-lettered the message (MaxDeliveryCountExceeded): Message could not be consumed after 10 delivery attempts.", stuck.Description);
        Assert.Equal(TransportHarness.Start.AddHours(-1), stuck.FirstAttemptAt);
        var expired = page.Items.Single(d => d.EventId == "evt_old");
        Assert.Equal(DeadLetterReason.MaxAttemptsExceeded, expired.Reason);
        Assert.StartsWith("Service Bus dead-lettered the message (TTLExpiredException)", expired.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dead_lettered_message_that_names_no_delivery_is_left_out()
    {
        harness.Broker.Send(WebhookTopology.Deliveries, new ServiceBusMessage("not a job"));
        harness.Broker.DeadLetter(harness.Broker.ReceiveNext(WebhookTopology.Deliveries)!.LockToken, null, DeadLetterMessageShape.InvalidBodyReason, "not json");
        await DeadLetterAsync(Sample("evt_1", "sub_a"));

        var page = await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None);

        Assert.Equal("evt_1", Assert.Single(page.Items).EventId);
        Assert.Equal(2, harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Count);
    }

    [Fact]
    public async Task A_dry_run_counts_the_matches_and_moves_nothing()
    {
        await DeadLetterAsync(Sample("evt_1", "sub_a"));
        await DeadLetterAsync(Sample("evt_2", "sub_b"));
        await DeadLetterAsync(Sample("evt_3", "sub_a"));

        var count = await store.ReplayAsync(new DeadLetterFilter(SubscriptionId: "sub_a"), dryRun: true, (_, _) => throw new InvalidOperationException("a dry run requeues nothing"), CancellationToken.None);

        Assert.Equal(new ReplayCount(2, 0), count);
        Assert.Equal(3, harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Count);
    }

    [Fact]
    public async Task Replay_receives_each_match_requeues_it_and_only_then_completes_it()
    {
        await DeadLetterAsync(Sample("evt_1", "sub_a"));
        await DeadLetterAsync(Sample("evt_2", "sub_b"));
        await DeadLetterAsync(Sample("evt_3", "sub_a"));
        var service = ReplayService();

        var count = await service.ReplayAsync(new DeadLetterFilter(SubscriptionId: "sub_a"), dryRun: false, CancellationToken.None);

        Assert.Equal((2, 2), (count.Value!.Matched, count.Value.Replayed));
        Assert.Equal(["evt_1:sub_a:1", "evt_3:sub_a:1"], harness.Broker.Peek(WebhookTopology.Deliveries).Select(m => m.MessageId));
        var left = Assert.Single(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
        Assert.Equal("sub_b", left.ApplicationProperties["subscriptionId"]);
        Assert.NotNull(harness.Broker.ReceiveNext(WebhookTopology.DeliveriesDeadLetters));
    }

    [Fact]
    public async Task When_the_requeue_fails_the_dead_letter_stays_in_the_sub_queue_and_a_later_replay_takes_it()
    {
        await DeadLetterAsync(Sample("evt_1", "sub_a"));
        var service = ReplayService();

        using (harness.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, () => new ServiceBusException(true, "unreachable", WebhookTopology.Deliveries, ServiceBusFailureReason.ServiceCommunicationProblem)))
        {
            await Assert.ThrowsAsync<ServiceBusException>(() => service.ReplayAsync(new DeadLetterFilter(), dryRun: false, CancellationToken.None));
        }

        Assert.Empty(harness.Broker.Peek(WebhookTopology.Deliveries));
        var kept = Assert.Single(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
        Assert.Equal(default, kept.LockedUntil);
        var second = (await service.ReplayAsync(new DeadLetterFilter(), dryRun: false, CancellationToken.None)).Value!;
        Assert.Equal((1, 1), (second.Matched, second.Replayed));
        Assert.Empty(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
        Assert.Equal("evt_1:sub_a:1", Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries)).MessageId);
    }

    [Fact]
    public async Task A_requeue_that_fails_midway_keeps_what_was_replayed_and_what_was_not()
    {
        await DeadLetterAsync(Sample("evt_1", "sub_a"));
        await DeadLetterAsync(Sample("evt_2", "sub_a"));
        var queue = new ServiceBusDeliveryQueue(harness.Client);
        var calls = 0;

        await Assert.ThrowsAsync<TimeoutException>(() => store.ReplayAsync(
            new DeadLetterFilter(),
            dryRun: false,
            (deadLetter, token) => ++calls == 1
                ? SendAsync(queue, deadLetter, token)
                : throw new TimeoutException(),
            CancellationToken.None));

        Assert.Equal("evt_1:sub_a:1", Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries)).MessageId);
        Assert.Equal("evt_2", Assert.Single(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters)).ApplicationProperties["eventId"]);
        Assert.NotNull(harness.Broker.ReceiveNext(WebhookTopology.DeliveriesDeadLetters));
    }

    [Fact]
    public async Task When_releasing_the_held_messages_fails_too_the_requeue_error_is_reported_and_the_locks_run_out()
    {
        await DeadLetterAsync(Sample("evt_1", "sub_a"));
        var unreachable = () => new ServiceBusException(true, "unreachable", WebhookTopology.Deliveries, ServiceBusFailureReason.ServiceCommunicationProblem);

        using (harness.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, unreachable))
        using (harness.Broker.Fail(WebhookTopology.DeliveriesDeadLetters, BrokerOperations.Settle, () => new ServiceBusException(true, "abandon timed out", WebhookTopology.DeliveriesDeadLetters, ServiceBusFailureReason.ServiceTimeout)))
        {
            var error = await Assert.ThrowsAsync<ServiceBusException>(() =>
                ReplayService()
                    .ReplayAsync(new DeadLetterFilter(), dryRun: false, CancellationToken.None));
            Assert.Equal(ServiceBusFailureReason.ServiceCommunicationProblem, error.Reason);
        }

        Assert.Null(harness.Broker.ReceiveNext(WebhookTopology.DeliveriesDeadLetters));
        harness.Clock.Advance(MessagingNames.LockDuration);
        Assert.NotNull(harness.Broker.ReceiveNext(WebhookTopology.DeliveriesDeadLetters));
    }

    [Fact]
    public async Task A_notice_the_broker_dead_lettered_in_the_fan_out_subscription_is_listed_as_a_fan_out_dead_letter()
    {
        await DeadLetterAsync(Sample("evt_1", "sub_a"));
        await StrandNoticeAsync("evt_2");

        var page = await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None);

        Assert.Equal([("evt_1", DeadLetterStage.Delivery), ("evt_2", DeadLetterStage.FanOut)], page.Items.Select(d => (d.EventId, d.Stage)));
        var fanOut = page.Items[1];
        Assert.Null(fanOut.SubscriptionId);
        Assert.Equal(("order.created", DeadLetterReason.MaxAttemptsExceeded, MessagingNames.MaxDeliveryCount), (fanOut.EventType, fanOut.Reason, fanOut.Attempts));
        Assert.Equal("Service Bus dead-lettered the message (MaxDeliveryCountExceeded): Message could not be consumed after 10 delivery attempts.", fanOut.Description);
        Assert.Equal(("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", (int?)null), (fanOut.TraceParent, fanOut.LastStatusCode));
        Assert.Equal(TransportHarness.Start, fanOut.FirstAttemptAt);
    }

    [Fact]
    public async Task The_stage_filter_selects_one_sub_queue_and_a_subscription_filter_selects_deliveries()
    {
        await DeadLetterAsync(Sample("evt_1", "sub_a"));
        await StrandNoticeAsync("evt_2");

        var fanOut = await store.ListAsync(new DeadLetterFilter(Stage: DeadLetterStage.FanOut), 10, null, CancellationToken.None);
        var deliveries = await store.ListAsync(new DeadLetterFilter(Stage: DeadLetterStage.Delivery), 10, null, CancellationToken.None);
        var bySubscription = await store.ListAsync(new DeadLetterFilter(SubscriptionId: "sub_a"), 10, null, CancellationToken.None);
        var count = await store.ReplayAsync(new DeadLetterFilter(), dryRun: true, (_, _) => Task.FromResult(true), CancellationToken.None);
        var fanOutCount = await store.ReplayAsync(new DeadLetterFilter(Stage: DeadLetterStage.FanOut), dryRun: true, (_, _) => Task.FromResult(true), CancellationToken.None);

        Assert.Equal("evt_2", Assert.Single(fanOut.Items).EventId);
        Assert.Equal("evt_1", Assert.Single(deliveries.Items).EventId);
        Assert.Equal("evt_1", Assert.Single(bySubscription.Items).EventId);
        Assert.Equal(((2, 0), (1, 0)), ((count.Matched, count.Replayed), (fanOutCount.Matched, fanOutCount.Replayed)));
    }

    [Fact]
    public async Task The_cursor_carries_a_listing_from_the_deliveries_sub_queue_into_the_fan_out_one()
    {
        await DeadLetterAsync(Sample("evt_1", "sub_a"));
        await DeadLetterAsync(Sample("evt_2", "sub_a"));
        await StrandNoticeAsync("evt_3");
        await StrandNoticeAsync("evt_4");

        var first = await store.ListAsync(new DeadLetterFilter(), 3, null, CancellationToken.None);
        var second = await store.ListAsync(new DeadLetterFilter(), 3, first.ContinuationToken, CancellationToken.None);

        Assert.Equal(["evt_1", "evt_2", "evt_3"], first.Items.Select(d => d.EventId));
        Assert.Equal(DeadLetterStage.FanOut, DeadLetterCursor.Decode(first.ContinuationToken)?.Source);
        Assert.Equal("evt_4", Assert.Single(second.Items).EventId);
        Assert.Null(second.ContinuationToken);
    }

    [Fact]
    public async Task Replaying_a_fan_out_dead_letter_resends_the_notice_past_duplicate_detection_and_removes_it()
    {
        await StrandNoticeAsync("evt_1");
        var service = ReplayService();

        var count = await service.ReplayAsync(new DeadLetterFilter(Stage: DeadLetterStage.FanOut), dryRun: false, CancellationToken.None);

        Assert.Equal((1, 1), (count.Value!.Matched, count.Value.Replayed));
        Assert.Empty(harness.Broker.Peek(EntityPaths.DeadLetter(WebhookTopology.FanOutSubscription)));
        var resent = Assert.Single(harness.Broker.Peek(WebhookTopology.FanOutSubscription));
        Assert.StartsWith("evt_1#r", resent.MessageId, StringComparison.Ordinal);
        Assert.Equal(("evt_1", 0), (MessageCodec.DecodeEventNotice(resent.Body.ToMemory().Span).EventId, resent.DeliveryCount));
    }

    [Fact]
    public async Task A_dead_lettered_message_in_the_fan_out_sub_queue_that_names_no_event_is_left_out()
    {
        harness.Broker.Send(MessagingNames.Events, new ServiceBusMessage("not a notice") { MessageId = "junk" });
        harness.Broker.DeadLetter(harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!.LockToken, null, DeadLetterMessageShape.InvalidBodyReason, "not json");

        var page = await store.ListAsync(new DeadLetterFilter(Stage: DeadLetterStage.FanOut), 10, null, CancellationToken.None);

        Assert.Empty(page.Items);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task A_dead_letter_of_a_disabled_subscription_is_not_replayed_and_stays_in_the_sub_queue_as_it_was()
    {
        await DeadLetterAsync(Sample("evt_1", "sub_a"));
        await DeadLetterAsync(Sample("evt_2", "sub_b"));
        var service = ReplayService();
        var subscription = (await subscriptions.GetAsync("sub_a", CancellationToken.None))!;
        await subscriptions.ReplaceAsync(subscription with { Status = SubscriptionStatus.Disabled, DisabledReason = DisabledReason.EndpointGone }, subscription.ETag!, CancellationToken.None);

        var report = (await service.ReplayAsync(new DeadLetterFilter(), dryRun: false, CancellationToken.None)).Value!;

        Assert.Equal((2, 1), (report.Matched, report.Replayed));
        Assert.Equal(new Dictionary<ReplaySkipCause, int> { [ReplaySkipCause.SubscriptionDisabled] = 1 }, report.Skipped);
        Assert.Equal("evt_2:sub_b:1", Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries)).MessageId);
        var kept = Assert.Single((await store.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items);
        Assert.Equal(Sample("evt_1", "sub_a"), kept);
        Assert.NotNull(harness.Broker.ReceiveNext(WebhookTopology.DeliveriesDeadLetters));
    }

    public ValueTask DisposeAsync() => harness.DisposeAsync();

    /// <summary>A notice on the events topic whose fan-out never succeeds: abandoned until the broker dead-letters it itself.</summary>
    private async Task StrandNoticeAsync(string eventId)
    {
        await new ServiceBusEventQueue(harness.Client).SendAsync(new EventNotice(eventId, "order.created", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), CancellationToken.None);
        for (var delivery = 0; delivery < MessagingNames.MaxDeliveryCount; delivery++)
        {
            harness.Broker.Abandon(harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!.LockToken);
        }
    }

    /// <summary>The replay service over this store, with sub_a and sub_b enabled and the sample events stored.</summary>
    private DeadLetterService ReplayService()
    {
        foreach (var subscriptionId in new[] { "sub_a", "sub_b" })
        {
            subscriptions.AddAsync(
                new Subscription
                {
                    Id = subscriptionId,
                    Url = new Uri($"https://{subscriptionId}.example/hook"),
                    EventTypes = ["order.*"],
                    Secrets = [new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)],
                    CreatedAt = TransportHarness.Start.AddDays(-1),
                    UpdatedAt = TransportHarness.Start.AddDays(-1),
                },
                CancellationToken.None).GetAwaiter().GetResult();
        }

        foreach (var eventId in new[] { "evt_1", "evt_2", "evt_3" })
        {
            events.Items[eventId] = new WebhookEvent(eventId, "order.created", TransportHarness.Start.AddHours(-1), null, null, "{}"u8.ToArray(), null);
        }

        return new DeadLetterService(store, subscriptions, events, new ServiceBusDeliveryQueue(harness.Client), new ServiceBusEventQueue(harness.Client), NullLogger<DeadLetterService>.Instance);
    }

    private static async Task<bool> SendAsync(ServiceBusDeliveryQueue queue, DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        await queue.SendAsync([new DeliveryJob(deadLetter.EventId, deadLetter.EventType, [deadLetter.SubscriptionId!], 1, null)], cancellationToken);
        return true;
    }

    /// <summary>A delivery message for the dead letter's job, received and dead-lettered by the real settlement.</summary>
    private async Task DeadLetterAsync(DeadLetter deadLetter)
    {
        var job = new DeliveryJob(deadLetter.EventId, deadLetter.EventType, [deadLetter.SubscriptionId!], deadLetter.Attempts, deadLetter.TraceParent);
        var message = harness.ReceiveDelivery(job);
        var settlement = new ServiceBusDeliverySettlement(message, harness.Settler);
        await settlement.RecordDeadLetterAsync(deadLetter, CancellationToken.None);
        await settlement.SettleAsync(CancellationToken.None);
    }

    private static DeadLetter Sample(string eventId, string subscriptionId) => new(
        eventId,
        subscriptionId,
        "order.created",
        DeadLetterReason.EndpointGone,
        "The receiver answered 410 Gone.",
        3,
        TransportHarness.Start.AddMinutes(-30),
        TransportHarness.Start.AddMinutes(-1),
        410,
        "httpError",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
}
