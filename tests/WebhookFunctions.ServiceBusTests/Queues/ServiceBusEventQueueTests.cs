using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.ServiceBusTests.Doubles;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Queues;

public sealed class ServiceBusEventQueueTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public async Task A_notice_reaches_the_fan_out_subscription_keyed_by_event_id_with_the_type_as_subject()
    {
        await using var harness = new TransportHarness();
        var notice = new EventNotice("evt_1", "order.created", TraceParent);

        await new ServiceBusEventQueue(harness.Client).SendAsync(notice, CancellationToken.None);

        var message = harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription);
        Assert.NotNull(message);
        Assert.Equal(("evt_1", "order.created", "application/json"), (message.MessageId, message.Subject, message.ContentType));
        Assert.Equal("evt_1", message.ApplicationProperties["eventId"]);
        Assert.Equal("order.created", message.ApplicationProperties["eventType"]);
        Assert.Equal(notice, MessageCodec.DecodeEventNotice(message.Body.ToMemory().Span));
    }

    [Fact]
    public async Task A_second_send_within_the_window_is_dropped_but_a_resend_is_not()
    {
        await using var harness = new TransportHarness();
        IEventQueue queue = new ServiceBusEventQueue(harness.Client);
        var notice = new EventNotice("evt_1", "order.created", TraceParent);

        await queue.SendAsync(notice, CancellationToken.None);
        await queue.SendAsync(notice, CancellationToken.None);
        await queue.ResendAsync(notice, CancellationToken.None);
        await queue.ResendAsync(notice, CancellationToken.None);

        var notices = harness.Broker.Peek(WebhookTopology.FanOutSubscription);
        Assert.Equal(3, notices.Count);
        Assert.Equal("evt_1", notices[0].MessageId);
        Assert.All(notices.Skip(1), resent =>
        {
            Assert.Matches("^evt_1#r[0-9a-f]{32}$", resent.MessageId);
            Assert.Equal(("order.created", "evt_1"), (resent.Subject, resent.ApplicationProperties["eventId"]));
            Assert.Equal(notice, MessageCodec.DecodeEventNotice(resent.Body.ToMemory().Span));
        });
        Assert.NotEqual(notices[1].MessageId, notices[2].MessageId);
    }
}
