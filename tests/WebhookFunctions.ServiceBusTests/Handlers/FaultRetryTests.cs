using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.ServiceBusTests.Doubles;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Handlers;

/// <summary>
/// A transient fault of a dependency inside either handler: the message is scheduled again after the fault backoff as
/// a copy with a delivery count of 0, and the original completed, so no fault counts against MaxDeliveryCount.
/// </summary>
public sealed class FaultRetryTests : IAsyncLifetime
{
    private static readonly TimeSpan LowestFirstDelay = FaultBackoff.Default.First * (1 - FaultBackoff.Default.Jitter);
    private static readonly TimeSpan HighestFirstDelay = FaultBackoff.Default.First * (1 + FaultBackoff.Default.Jitter);
    private readonly TransportHarness harness = new();
    private readonly EngineOverBroker engine;
    private const string Hook = "hook";
    private WebhookReceiver receiver = null!;
    private Uri hook = null!;

    public FaultRetryTests() => engine = new EngineOverBroker(harness);

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        hook = new Uri(receiver.Endpoint(Hook));
    }

    [Fact]
    public async Task A_delivery_that_meets_a_storage_fault_is_scheduled_again_as_a_fresh_copy_and_completed()
    {
        await ReadyAsync();
        engine.FailingEvents.FailWith = () => new TimeoutException("The table did not answer.");

        await engine.Deliver.HandleAsync(harness.ReceiveDelivery(Job()), harness.Settler, CancellationToken.None);

        var copy = Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries));
        Assert.Equal(("evt_1:sub_a:1#f1", ServiceBusMessageState.Scheduled, 1), (copy.MessageId, copy.State, copy.ApplicationProperties["faultRetries"]));
        Assert.InRange(copy.ScheduledEnqueueTime, TransportHarness.Start + LowestFirstDelay, TransportHarness.Start + HighestFirstDelay);
        Assert.Equal(("evt_1", "sub_a", 1), (copy.ApplicationProperties["eventId"], copy.ApplicationProperties["subscriptionId"], copy.ApplicationProperties["attempt"]));
        Assert.Equal(MessageCodec.Encode(Job()), copy.Body.ToArray());
        Assert.Empty(engine.Log.Attempts);

        engine.FailingEvents.FailWith = null;
        harness.Clock.Advance(HighestFirstDelay);
        var again = harness.Broker.ReceiveNext(WebhookTopology.Deliveries)!;
        await engine.Deliver.HandleAsync(again, harness.Settler, CancellationToken.None);

        Assert.Equal(1, again.DeliveryCount);
        Assert.Single(receiver.At(Hook));
        Assert.Equal(200, Assert.Single(engine.Log.Attempts).StatusCode);
        Assert.Empty(harness.Broker.Peek(WebhookTopology.Deliveries));
        Assert.Empty(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
    }

    [Fact]
    public async Task Each_further_fault_doubles_the_wait_and_renames_the_copy_from_its_base_id()
    {
        await ReadyAsync();
        engine.FailingEvents.FailWith = () => new TimeoutException("The table did not answer.");
        await engine.Deliver.HandleAsync(harness.ReceiveDelivery(Job()), harness.Settler, CancellationToken.None);
        harness.Clock.Advance(HighestFirstDelay);
        var firstCopy = harness.Broker.ReceiveNext(WebhookTopology.Deliveries)!;

        await engine.Deliver.HandleAsync(firstCopy, harness.Settler, CancellationToken.None);

        var secondCopy = Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries));
        Assert.Equal(("evt_1:sub_a:1#f2", 2), (secondCopy.MessageId, secondCopy.ApplicationProperties["faultRetries"]));
        var now = TransportHarness.Start + HighestFirstDelay;
        Assert.InRange(secondCopy.ScheduledEnqueueTime, now + (LowestFirstDelay * 2), now + (HighestFirstDelay * 2));
    }

    [Fact]
    public async Task Once_the_fault_budget_is_spent_a_fault_takes_the_ordinary_path_and_counts()
    {
        await using var engine = new EngineOverBroker(harness, new FaultBackoff(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), 0.2, maxFaultRetries: 1));
        await engine.SubscribeAsync("sub_a", hook);
        await engine.StoreEventAsync("evt_1");
        engine.FailingEvents.FailWith = () => new TimeoutException("The table did not answer.");
        await engine.Deliver.HandleAsync(harness.ReceiveDelivery(Job()), harness.Settler, CancellationToken.None);
        harness.Clock.Advance(HighestFirstDelay);
        var lastCopy = harness.Broker.ReceiveNext(WebhookTopology.Deliveries)!;

        await Assert.ThrowsAsync<TimeoutException>(() => engine.Deliver.HandleAsync(lastCopy, harness.Settler, CancellationToken.None));

        var held = Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries));
        Assert.Equal(("evt_1:sub_a:1#f1", ServiceBusMessageState.Active), (held.MessageId, held.State));
        harness.Clock.Advance(MessagingNames.LockDuration);
        Assert.Equal(2, harness.Broker.ReceiveNext(WebhookTopology.Deliveries)?.DeliveryCount);
    }

    [Fact]
    public async Task A_failure_that_is_not_a_fault_takes_the_ordinary_path()
    {
        await ReadyAsync();
        engine.FailingEvents.FailWith = () => new InvalidDataException("The stored event is corrupt.");
        var message = harness.ReceiveDelivery(Job());

        await Assert.ThrowsAsync<InvalidDataException>(() => engine.Deliver.HandleAsync(message, harness.Settler, CancellationToken.None));

        Assert.Equal(message.MessageId, Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries)).MessageId);
    }

    [Fact]
    public async Task A_shutdown_is_not_a_fault()
    {
        await ReadyAsync();
        using var shutdown = new CancellationTokenSource();
        await shutdown.CancelAsync();
        engine.FailingEvents.FailWith = () => new OperationCanceledException(shutdown.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.Deliver.HandleAsync(harness.ReceiveDelivery(Job()), harness.Settler, shutdown.Token));

        Assert.Equal("evt_1:sub_a:1", Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries)).MessageId);
    }

    [Fact]
    public async Task When_the_fault_retry_cannot_be_scheduled_either_the_message_is_left_to_its_lock_and_nothing_is_thrown()
    {
        await ReadyAsync();
        var message = harness.ReceiveDelivery(Job());
        engine.FailingEvents.FailWith = () => new ServiceBusException("The namespace is unreachable.", ServiceBusFailureReason.ServiceCommunicationProblem);

        using (harness.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, () => new ServiceBusException("The namespace is unreachable.", ServiceBusFailureReason.ServiceCommunicationProblem)))
        {
            await engine.Deliver.HandleAsync(message, harness.Settler, CancellationToken.None);
        }

        var held = Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries));
        Assert.Equal((message.MessageId, ServiceBusMessageState.Active), (held.MessageId, held.State));
        Assert.Null(harness.Broker.ReceiveNext(WebhookTopology.Deliveries));
        engine.FailingEvents.FailWith = null;
        harness.Clock.Advance(MessagingNames.LockDuration);
        var again = harness.Broker.ReceiveNext(WebhookTopology.Deliveries)!;
        Assert.Equal(2, again.DeliveryCount);
        await engine.Deliver.HandleAsync(again, harness.Settler, CancellationToken.None);
        Assert.Single(receiver.At(Hook));
    }

    [Fact]
    public async Task When_the_original_cannot_be_completed_the_copy_stays_scheduled_and_nothing_is_thrown()
    {
        await ReadyAsync();
        var message = harness.ReceiveDelivery(Job());
        engine.FailingEvents.FailWith = () => new TimeoutException("The table did not answer.");

        using (harness.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Settle, () => new ServiceBusException("The namespace is unreachable.", ServiceBusFailureReason.ServiceCommunicationProblem)))
        {
            await engine.Deliver.HandleAsync(message, harness.Settler, CancellationToken.None);
        }

        Assert.Equal(
            [("evt_1:sub_a:1", ServiceBusMessageState.Active), ("evt_1:sub_a:1#f1", ServiceBusMessageState.Scheduled)],
            harness.Broker.Peek(WebhookTopology.Deliveries).Select(m => (m.MessageId, m.State)));
    }

    [Fact]
    public async Task A_fan_out_that_cannot_reach_the_deliveries_queue_reschedules_its_notice_on_the_events_topic_past_duplicate_detection()
    {
        await engine.SubscribeAsync("sub_a", hook);
        await new ServiceBusEventQueue(harness.Client).SendAsync(new EventNotice("evt_1", "order.created", null), CancellationToken.None);
        var notice = harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!;

        using (harness.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, () => new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy, WebhookTopology.Deliveries)))
        {
            await engine.FanOut.HandleAsync(notice, harness.Settler, CancellationToken.None);
        }

        Assert.Empty(harness.Broker.Peek(WebhookTopology.FanOutSubscription));
        harness.Clock.Advance(HighestFirstDelay);
        var copy = harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!;
        Assert.Equal(("evt_1#f1", 1, 1), (copy.MessageId, copy.DeliveryCount, copy.ApplicationProperties["faultRetries"]));
        Assert.Equal(("order.created", "evt_1"), (copy.Subject, copy.ApplicationProperties["eventId"]));

        await engine.FanOut.HandleAsync(copy, harness.Settler, CancellationToken.None);

        Assert.Equal("evt_1:sub_a:1", Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries)).MessageId);
        Assert.Empty(harness.Broker.Peek(WebhookTopology.FanOutSubscription));
        Assert.Empty(harness.Broker.Peek(EntityPaths.DeadLetter(WebhookTopology.FanOutSubscription)));
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await engine.DisposeAsync();
        await harness.DisposeAsync();
    }

    private async Task ReadyAsync()
    {
        await engine.SubscribeAsync("sub_a", hook);
        await engine.StoreEventAsync("evt_1");
    }

    private static DeliveryJob Job() => new("evt_1", "order.created", ["sub_a"], Attempt: 1, null);
}
