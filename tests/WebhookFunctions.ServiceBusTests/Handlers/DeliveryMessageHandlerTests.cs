using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.ServiceBus.DeadLetters;
using WebhookFunctions.ServiceBusTests.Doubles;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Handlers;

/// <summary>A delivery message through the handler the Deliver function calls, over the broker and a real receiver.</summary>
public sealed class DeliveryMessageHandlerTests : IAsyncLifetime
{
    private readonly TransportHarness harness = new();
    private readonly EngineOverBroker engine;
    private const string Hook = "hook";
    private WebhookReceiver receiver = null!;
    private Uri hook = null!;

    public DeliveryMessageHandlerTests() => engine = new EngineOverBroker(harness);

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        hook = new Uri(receiver.Endpoint(Hook));
    }

    [Fact]
    public async Task A_delivered_message_is_completed()
    {
        receiver.AnswerFromNowOn(Hook, Answer.Status(200));
        var job = await ReadyJobAsync();

        await engine.Deliver.HandleAsync(harness.ReceiveDelivery(job), harness.Settler, CancellationToken.None);

        Assert.Empty(harness.Broker.Peek(WebhookTopology.Deliveries));
        Assert.Empty(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
        Assert.Equal(200, Assert.Single(engine.Log.Attempts).StatusCode);
    }

    [Fact]
    public async Task A_failed_attempt_schedules_the_next_at_its_due_time_and_completes_the_message()
    {
        receiver.AnswerFromNowOn(Hook, Answer.Status(500));
        var job = await ReadyJobAsync();

        await engine.Deliver.HandleAsync(harness.ReceiveDelivery(job), harness.Settler, CancellationToken.None);

        var retry = Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries));
        var due = TransportHarness.Start + DeliveryOptions.DefaultRetrySchedule[1];
        Assert.Equal(("evt_1:sub_a:2", ServiceBusMessageState.Scheduled, due), (retry.MessageId, retry.State, retry.ScheduledEnqueueTime));
        Assert.Equal(2, retry.ApplicationProperties["attempt"]);
        Assert.Null(harness.Broker.ReceiveNext(WebhookTopology.Deliveries));
        harness.Clock.Advance(DeliveryOptions.DefaultRetrySchedule[1]);
        Assert.Equal(500, MessageCodec.DecodeDeliveryJob(harness.Broker.ReceiveNext(WebhookTopology.Deliveries)!.Body.ToMemory().Span).LastStatusCode);
    }

    [Fact]
    public async Task A_gone_endpoint_dead_letters_the_message_with_the_reason_and_the_story_in_its_properties()
    {
        receiver.AnswerFromNowOn(Hook, Answer.Status(410));
        var job = await ReadyJobAsync();

        await engine.Deliver.HandleAsync(harness.ReceiveDelivery(job), harness.Settler, CancellationToken.None);

        var deadLetter = Assert.Single(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
        Assert.Equal("endpointGone", deadLetter.DeadLetterReason);
        Assert.False(string.IsNullOrEmpty(deadLetter.DeadLetterErrorDescription));
        Assert.Equal(("evt_1", "sub_a", 1, 410), (deadLetter.ApplicationProperties["eventId"], deadLetter.ApplicationProperties["subscriptionId"], deadLetter.ApplicationProperties["attempts"], deadLetter.ApplicationProperties["lastStatusCode"]));
        var listed = await new ServiceBusDeadLetterStore(harness.Client).ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None);
        Assert.Equal((DeadLetterReason.EndpointGone, 410), (Assert.Single(listed.Items).Reason, listed.Items[0].LastStatusCode));
    }

    [Fact]
    public async Task A_disabled_subscription_is_dead_lettered_without_an_attempt()
    {
        await engine.SubscribeAsync("sub_a", hook, SubscriptionStatus.Disabled);
        await engine.StoreEventAsync("evt_1");

        await engine.Deliver.HandleAsync(harness.ReceiveDelivery(Job()), harness.Settler, CancellationToken.None);

        Assert.Equal("subscriptionDisabled", Assert.Single(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters)).DeadLetterReason);
        Assert.Empty(receiver.At(Hook));
    }

    [Fact]
    public async Task A_job_whose_event_is_gone_is_completed_and_dropped()
    {
        await engine.SubscribeAsync("sub_a", hook);

        await engine.Deliver.HandleAsync(harness.ReceiveDelivery(Job()), harness.Settler, CancellationToken.None);

        Assert.Empty(harness.Broker.Peek(WebhookTopology.Deliveries));
        Assert.Empty(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
    }

    [Fact]
    public async Task A_body_that_is_not_a_delivery_job_is_dead_lettered_as_invalid_at_once()
    {
        harness.Broker.Send(WebhookTopology.Deliveries, new ServiceBusMessage("{\"not\":\"a job\"}") { MessageId = "junk" });

        await engine.Deliver.HandleAsync(harness.Broker.ReceiveNext(WebhookTopology.Deliveries)!, harness.Settler, CancellationToken.None);

        var deadLetter = Assert.Single(harness.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
        Assert.Equal(("junk", DeadLetterMessageShape.InvalidBodyReason, 1), (deadLetter.MessageId, deadLetter.DeadLetterReason, deadLetter.DeliveryCount));
        Assert.False(string.IsNullOrEmpty(deadLetter.DeadLetterErrorDescription));
    }

    [Fact]
    public async Task A_failure_before_settling_that_is_not_a_fault_leaves_the_message_locked_for_redelivery()
    {
        receiver.AnswerFromNowOn(Hook, Answer.Status(500));
        var job = await ReadyJobAsync();
        var message = harness.ReceiveDelivery(job);

        using (harness.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, () => new ServiceBusException("The namespace's quota is used up.", ServiceBusFailureReason.QuotaExceeded, WebhookTopology.Deliveries)))
        {
            await Assert.ThrowsAsync<ServiceBusException>(() => engine.Deliver.HandleAsync(message, harness.Settler, CancellationToken.None));
        }

        Assert.Null(harness.Broker.ReceiveNext(WebhookTopology.Deliveries));
        harness.Clock.Advance(MessagingNames.LockDuration);
        Assert.Equal(2, harness.Broker.ReceiveNext(WebhookTopology.Deliveries)?.DeliveryCount);
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await engine.DisposeAsync();
        await harness.DisposeAsync();
    }

    private async Task<DeliveryJob> ReadyJobAsync()
    {
        await engine.SubscribeAsync("sub_a", hook);
        await engine.StoreEventAsync("evt_1");
        return Job();
    }

    private static DeliveryJob Job() => new("evt_1", "order.created", ["sub_a"], Attempt: 1, null);
}
