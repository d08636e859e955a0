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
}
