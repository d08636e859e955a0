using Azure.Messaging.ServiceBus;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>The message actions the triggers get here settle on the broker and refuse what the real package refuses.</summary>
public sealed class BrokerMessageActionsTests
{
    private readonly ServiceBusBroker broker = WebhookTopology.CreateBroker(TimeProvider.System);

    [Fact]
    public async Task Dead_lettering_with_a_property_AMQP_cannot_carry_throws_and_leaves_the_message_locked()
    {
        var message = SendAndReceive();
        var actions = new BrokerMessageActions(broker);

        await Assert.ThrowsAsync<NotSupportedException>(() => actions.DeadLetterMessageAsync(message, new Dictionary<string, object> { ["detail"] = new Version(1, 0) }, "reason", "description"));

        Assert.Empty(broker.Peek(WebhookTopology.DeliveriesDeadLetters));
        await actions.CompleteMessageAsync(message);
        Assert.Empty(broker.Peek(WebhookTopology.Deliveries));
    }

    [Fact]
    public async Task Dead_lettering_moves_the_message_with_reason_description_and_encodable_properties()
    {
        var message = SendAndReceive();
        var properties = new Dictionary<string, object>
        {
            ["attempts"] = 3,
            ["lastStatusCode"] = 500L,
            ["at"] = DateTimeOffset.UnixEpoch,
            ["endpoint"] = new Uri("https://receiver.example.com/hooks"),
            ["after"] = TimeSpan.FromSeconds(1),
        };

        await new BrokerMessageActions(broker).DeadLetterMessageAsync(message, properties, "maxAttemptsExceeded", "HTTP 500");

        Assert.Empty(broker.Peek(WebhookTopology.Deliveries));
        var deadLettered = Assert.Single(broker.Peek(WebhookTopology.DeliveriesDeadLetters));
        Assert.Equal(("maxAttemptsExceeded", "HTTP 500"), (deadLettered.DeadLetterReason, deadLettered.DeadLetterErrorDescription));
        Assert.Equal(3, deadLettered.ApplicationProperties["attempts"]);
        Assert.Equal(500L, deadLettered.ApplicationProperties["lastStatusCode"]);
    }

    [Fact]
    public async Task Abandoning_makes_the_message_visible_again_with_one_more_delivery()
    {
        var message = SendAndReceive();

        await new BrokerMessageActions(broker).AbandonMessageAsync(message);

        var again = broker.ReceiveNext(WebhookTopology.Deliveries);
        Assert.NotNull(again);
        Assert.Equal((message.MessageId, 2), (again.MessageId, again.DeliveryCount));
    }

    [Fact]
    public async Task Completing_twice_is_a_lost_lock()
    {
        var message = SendAndReceive();
        var actions = new BrokerMessageActions(broker);
        await actions.CompleteMessageAsync(message);

        var lost = await Assert.ThrowsAsync<ServiceBusException>(() => actions.CompleteMessageAsync(message));

        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);
    }

    private ServiceBusReceivedMessage SendAndReceive()
    {
        broker.Send(WebhookTopology.Deliveries, new ServiceBusMessage("{}") { MessageId = Guid.NewGuid().ToString("N") });
        return broker.ReceiveNext(WebhookTopology.Deliveries) ?? throw new InvalidOperationException("The message sent is not visible.");
    }
}
