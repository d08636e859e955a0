using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.ServiceBus.DeadLetters;
using WebhookFunctions.ServiceBusTests.Doubles;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Handlers;

/// <summary>An event notice through the handler the FanOut function calls, over the broker.</summary>
public sealed class FanOutMessageHandlerTests : IAsyncDisposable
{
    private static readonly Uri Url = new("http://127.0.0.1:9/hook");
    private readonly TransportHarness harness = new();
    private readonly EngineOverBroker engine;

    public FanOutMessageHandlerTests() => engine = new EngineOverBroker(harness);

    [Fact]
    public async Task A_notice_becomes_one_delivery_message_per_matching_subscription_and_is_completed()
    {
        await engine.SubscribeAsync("sub_a", Url);
        await engine.SubscribeAsync("sub_b", Url);
        await engine.SubscribeAsync("sub_other", Url, eventTypes: "invoice.paid");
        await new ServiceBusEventQueue(harness.Client).SendAsync(new EventNotice("evt_1", "order.created", null), CancellationToken.None);

        await engine.FanOut.HandleAsync(harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!, harness.Settler, CancellationToken.None);

        Assert.Equal(["evt_1:sub_a:1", "evt_1:sub_b:1"], harness.Broker.Peek(WebhookTopology.Deliveries).Select(m => m.MessageId).Order());
        Assert.Empty(harness.Broker.Peek(WebhookTopology.FanOutSubscription));
    }

    [Fact]
    public async Task A_body_that_is_not_a_notice_is_dead_lettered_as_invalid_and_nothing_is_fanned_out()
    {
        await engine.SubscribeAsync("sub_a", Url);
        harness.Broker.Send("events", new ServiceBusMessage("[1,2]") { MessageId = "junk" });

        await engine.FanOut.HandleAsync(harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!, harness.Settler, CancellationToken.None);

        var deadLetter = Assert.Single(harness.Broker.Peek(EntityPaths.DeadLetter(WebhookTopology.FanOutSubscription)));
        Assert.Equal(("junk", DeadLetterMessageShape.InvalidBodyReason), (deadLetter.MessageId, deadLetter.DeadLetterReason));
        Assert.Empty(harness.Broker.Peek(WebhookTopology.Deliveries));
    }

    [Fact]
    public async Task A_fan_out_that_fails_for_a_reason_other_than_a_fault_leaves_the_notice_for_redelivery()
    {
        await engine.SubscribeAsync("sub_a", Url);
        await new ServiceBusEventQueue(harness.Client).SendAsync(new EventNotice("evt_1", "order.created", null), CancellationToken.None);
        var notice = harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!;

        using (harness.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, () => new ServiceBusException("The namespace's quota is used up.", ServiceBusFailureReason.QuotaExceeded, WebhookTopology.Deliveries)))
        {
            await Assert.ThrowsAsync<ServiceBusException>(() => engine.FanOut.HandleAsync(notice, harness.Settler, CancellationToken.None));
        }

        harness.Clock.Advance(MessagingNames.LockDuration);
        var again = harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!;
        await engine.FanOut.HandleAsync(again, harness.Settler, CancellationToken.None);

        Assert.Equal(2, again.DeliveryCount);
        Assert.Equal("evt_1:sub_a:1", Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries)).MessageId);
    }

    public async ValueTask DisposeAsync()
    {
        await engine.DisposeAsync();
        await harness.DisposeAsync();
    }
}
