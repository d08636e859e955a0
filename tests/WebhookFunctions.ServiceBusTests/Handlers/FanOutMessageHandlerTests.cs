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
    private readonly TransportHarness _harness = new();
    private readonly EngineOverBroker _engine;

    public FanOutMessageHandlerTests() => _engine = new EngineOverBroker(_harness);

    [Fact]
    public async Task A_notice_becomes_one_delivery_message_per_matching_subscription_and_is_completed()
    {
        await _engine.SubscribeAsync("sub_a", Url);
        await _engine.SubscribeAsync("sub_b", Url);
        await _engine.SubscribeAsync("sub_other", Url, eventTypes: "invoice.paid");
        await new ServiceBusEventQueue(_harness.Client).SendAsync(new EventNotice("evt_1", "order.created", null), CancellationToken.None);

        await _engine.FanOut.HandleAsync(_harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!, _harness.Settler, CancellationToken.None);

        Assert.Equal(["evt_1:sub_a:1", "evt_1:sub_b:1"], _harness.Broker.Peek(WebhookTopology.Deliveries).Select(m => m.MessageId).Order());
        Assert.Empty(_harness.Broker.Peek(WebhookTopology.FanOutSubscription));
    }

    [Fact]
    public async Task A_body_that_is_not_a_notice_is_dead_lettered_as_invalid_and_nothing_is_fanned_out()
    {
        await _engine.SubscribeAsync("sub_a", Url);
        _harness.Broker.Send("events", new ServiceBusMessage("[1,2]") { MessageId = "junk" });

        await _engine.FanOut.HandleAsync(_harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!, _harness.Settler, CancellationToken.None);

        var deadLetter = Assert.Single(_harness.Broker.Peek(EntityPaths.DeadLetter(WebhookTopology.FanOutSubscription)));
        Assert.Equal(("junk", DeadLetterMessageShape.InvalidBodyReason), (deadLetter.MessageId, deadLetter.DeadLetterReason));
        Assert.Empty(_harness.Broker.Peek(WebhookTopology.Deliveries));
    }

    [Fact]
    public async Task A_fan_out_that_fails_for_a_reason_other_than_a_fault_leaves_the_notice_for_redelivery()
    {
        await _engine.SubscribeAsync("sub_a", Url);
        await new ServiceBusEventQueue(_harness.Client).SendAsync(new EventNotice("evt_1", "order.created", null), CancellationToken.None);
        var notice = _harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!;

        using (_harness.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, () => new ServiceBusException("The namespace's quota is used up.", ServiceBusFailureReason.QuotaExceeded, WebhookTopology.Deliveries)))
        {
            await Assert.ThrowsAsync<ServiceBusException>(() => _engine.FanOut.HandleAsync(notice, _harness.Settler, CancellationToken.None));
        }

        _harness.Clock.Advance(MessagingNames.LockDuration);
        var again = _harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!;
        await _engine.FanOut.HandleAsync(again, _harness.Settler, CancellationToken.None);

        Assert.Equal(2, again.DeliveryCount);
        Assert.Equal("evt_1:sub_a:1", Assert.Single(_harness.Broker.Peek(WebhookTopology.Deliveries)).MessageId);
    }

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _harness.DisposeAsync();
    }
}
