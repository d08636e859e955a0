using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.ServiceBus.DeadLetters;
using WebhookFunctions.ServiceBus.Handlers;
using WebhookFunctions.ServiceBusTests.Doubles;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.DeadLetters;

public sealed class ServiceBusDeadLetterPurgeTests : IAsyncDisposable
{
    private readonly TransportHarness harness = new();
    private readonly ServiceBusDeadLetterStore store;

    public ServiceBusDeadLetterPurgeTests() => store = new ServiceBusDeadLetterStore(harness.Client);

    [Fact]
    public async Task A_purge_completes_the_matches_from_the_sub_queue_and_leaves_the_others_as_they_were()
    {
        await DeadLetterAsync("evt_1", "sub_a");
        await DeadLetterAsync("evt_2", "sub_b");
        await DeadLetterAsync("evt_3", "sub_a");
        var kept = harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Single(m => Equals(m.ApplicationProperties["subscriptionId"], "sub_b"));

        var report = await store.PurgeAsync(new DeadLetterFilter(SubscriptionId: "sub_a"), 10, null, dryRun: false, CancellationToken.None);

        Assert.Equal(new PurgeReport(2, 2, null), report);
        var left = Assert.Single(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
        Assert.Equal((kept.SequenceNumber, kept.ApplicationProperties["eventId"]), (left.SequenceNumber, left.ApplicationProperties["eventId"]));
        Assert.Equal(default, left.LockedUntil);
        Assert.NotNull(harness.Broker.ReceiveNext(WebhookTopology.DeliveriesDeadLetters));
    }

    [Fact]
    public async Task A_dry_run_peeks_the_page_and_locks_and_removes_nothing()
    {
        await DeadLetterAsync("evt_1", "sub_a");
        await DeadLetterAsync("evt_2", "sub_a");
        var before = harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Select(m => (m.SequenceNumber, m.DeliveryCount)).ToList();

        var report = await store.PurgeAsync(new DeadLetterFilter(), 10, null, dryRun: true, CancellationToken.None);

        Assert.Equal(new PurgeReport(2, 0, null), report);
        Assert.Equal(before, harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Select(m => (m.SequenceNumber, m.DeliveryCount)));
    }

    [Fact]
    public async Task A_purge_is_bounded_by_its_limit_and_its_token_is_the_listings_and_purges_the_rest()
    {
        for (var i = 0; i < 5; i++)
        {
            await DeadLetterAsync($"evt_{i}", i % 2 == 0 ? "sub_a" : "sub_b");
        }

        var filter = new DeadLetterFilter(SubscriptionId: "sub_a");
        var listed = await store.ListAsync(filter, 2, null, CancellationToken.None);

        var first = await store.PurgeAsync(filter, 2, null, dryRun: false, CancellationToken.None);
        var second = await store.PurgeAsync(filter, 2, first.ContinuationToken, dryRun: false, CancellationToken.None);

        Assert.Equal((2, 2, listed.ContinuationToken), (first.Matched, first.Purged, first.ContinuationToken));
        Assert.Equal(new PurgeReport(1, 1, null), second);
        Assert.Equal(["evt_1", "evt_3"], harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Select(m => m.ApplicationProperties["eventId"]));
    }

    [Fact]
    public async Task A_purge_past_the_scan_limit_receives_through_what_earlier_calls_kept_and_reaches_the_match()
    {
        for (var i = 0; i < ServiceBusDeadLetterStore.ScanLimit; i++)
        {
            await DeadLetterAsync($"evt_{i:0000}", "sub_a");
        }

        await DeadLetterAsync("evt_wanted", "sub_b");
        var filter = new DeadLetterFilter(SubscriptionId: "sub_b");

        var first = await store.PurgeAsync(filter, 10, null, dryRun: false, CancellationToken.None);
        var second = await store.PurgeAsync(filter, 10, first.ContinuationToken, dryRun: false, CancellationToken.None);

        Assert.Equal((0, 0), (first.Matched, first.Purged));
        Assert.NotNull(first.ContinuationToken);
        Assert.Equal(new PurgeReport(1, 1, null), second);
        var left = harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters);
        Assert.Equal(ServiceBusDeadLetterStore.ScanLimit, left.Count);
        Assert.DoesNotContain(left, message => Equals(message.ApplicationProperties["eventId"], "evt_wanted"));
        Assert.All(left, message => Assert.Equal(default, message.LockedUntil));
    }

    [Fact]
    public async Task A_purge_by_stage_completes_from_the_fan_out_sub_queue_alone()
    {
        await DeadLetterAsync("evt_1", "sub_a");
        await StrandNoticeAsync("evt_2");

        var report = await store.PurgeAsync(new DeadLetterFilter(Stage: DeadLetterStage.FanOut), 10, null, dryRun: false, CancellationToken.None);

        Assert.Equal(new PurgeReport(1, 1, null), report);
        Assert.Empty(harness.Broker.Peek(EntityPaths.DeadLetter(WebhookTopology.FanOutSubscription)));
        Assert.Single(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
    }

    [Fact]
    public async Task A_purge_of_both_sub_queues_continues_from_deliveries_into_fan_out()
    {
        await DeadLetterAsync("evt_1", "sub_a");
        await DeadLetterAsync("evt_2", "sub_a");
        await StrandNoticeAsync("evt_3");
        await StrandNoticeAsync("evt_4");

        var first = await store.PurgeAsync(new DeadLetterFilter(), 3, null, dryRun: false, CancellationToken.None);
        var second = await store.PurgeAsync(new DeadLetterFilter(), 3, first.ContinuationToken, dryRun: false, CancellationToken.None);

        Assert.Equal((3, 3), (first.Matched, first.Purged));
        Assert.Equal(new PurgeReport(1, 1, null), second);
        Assert.Empty(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
        Assert.Empty(harness.Broker.Peek(EntityPaths.DeadLetter(WebhookTopology.FanOutSubscription)));
    }

    [Fact]
    public async Task A_match_another_receiver_holds_is_counted_but_not_purged_and_stays()
    {
        await DeadLetterAsync("evt_1", "sub_a");
        await DeadLetterAsync("evt_2", "sub_a");
        var locked = harness.Broker.ReceiveNext(WebhookTopology.DeliveriesDeadLetters)!;

        var report = await store.PurgeAsync(new DeadLetterFilter(), 10, null, dryRun: false, CancellationToken.None);

        Assert.Equal(new PurgeReport(2, 1, null), report);
        Assert.Equal([locked.SequenceNumber], harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Select(m => m.SequenceNumber));
    }

    [Fact]
    public async Task A_purge_whose_matches_were_taken_meanwhile_completes_nothing_and_releases_what_it_received()
    {
        await DeadLetterAsync("evt_1", "sub_a");
        await DeadLetterAsync("evt_2", "sub_b");
        await using var receiver = harness.Client.CreateReceiver(WebhookTopology.Deliveries, new Azure.Messaging.ServiceBus.ServiceBusReceiverOptions { SubQueue = Azure.Messaging.ServiceBus.SubQueue.DeadLetter });
        var peeked = await receiver.PeekMessagesAsync(10, 0);

        var completed = await SequenceNumberCompletion.CompleteAsync(receiver, [peeked[0].SequenceNumber + 100], TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(0, completed);
        Assert.Equal(2, harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Count);
        Assert.All(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters), message => Assert.Equal(default, message.LockedUntil));
    }

    public ValueTask DisposeAsync() => harness.DisposeAsync();

    /// <summary>A notice on the events topic whose fan-out never succeeds: abandoned until the broker dead-letters it itself.</summary>
    private async Task StrandNoticeAsync(string eventId)
    {
        await new ServiceBusEventQueue(harness.Client).SendAsync(new EventNotice(eventId, "order.created", null), CancellationToken.None);
        for (var delivery = 0; delivery < MessagingNames.MaxDeliveryCount; delivery++)
        {
            harness.Broker.Abandon(harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!.LockToken);
        }
    }

    /// <summary>A delivery message received and dead-lettered by the real settlement.</summary>
    private async Task DeadLetterAsync(string eventId, string subscriptionId)
    {
        var deadLetter = new DeadLetter(eventId, subscriptionId, "order.created", DeadLetterReason.EndpointGone, "The receiver answered 410 Gone.", 3, TransportHarness.Start.AddMinutes(-30), TransportHarness.Start.AddMinutes(-1), 410, "httpError", null);
        var message = harness.ReceiveDelivery(new DeliveryJob(eventId, "order.created", [subscriptionId], 3, null));
        var settlement = new ServiceBusDeliverySettlement(message, harness.Settler);
        await settlement.RecordDeadLetterAsync(deadLetter, CancellationToken.None);
        await settlement.SettleAsync(CancellationToken.None);
    }
}
