using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.Scenarios;
using WebhookFunctions.Testing.ServiceBus;
using WebhookFunctions.Testing.Waiting;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>
/// What only the Functions app does, seen on the broker double: where its dead letters go and how the broker ends a
/// message the functions keep failing. The delivery scenarios both hosts share are in <see cref="FunctionsDeliveryScenarios"/>.
/// </summary>
[Collection(FunctionsFlowCollection.Name)]
public sealed class DeliveryFlowTests(FunctionsFlow flow)
{
    private static readonly string FanOutDeadLetters = EntityPaths.DeadLetter(WebhookTopology.FanOutSubscription);

    private readonly ContractClient api = new(flow);

    private WebhookReceiver Receiver => flow.Receiver;

    [Theory]
    [InlineData(500, "maxAttemptsExceeded")]
    [InlineData(410, "endpointGone")]
    public async Task A_dead_lettered_delivery_is_settled_into_the_deliveries_dead_letter_sub_queue_with_its_reason(int status, string reason)
    {
        var type = Unique("doomed") + ".event";
        var subscriber = await api.SubscribeAsync(Receiver.Endpoint(Unique("doomed"), Answer.Status(status)), type);

        var eventId = await api.PublishAcceptedAsync(type);

        await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "deadLettered"));
        // The attempt is logged before the message is settled, so the dead letter reaches the sub-queue a moment later.
        await Eventually.HoldsAsync(() => DeadLettersOf(subscriber.Id).Any(), "the delivery message is in the deliveries dead-letter sub-queue");
        var onBroker = Assert.Single(DeadLettersOf(subscriber.Id));
        Assert.Equal(reason, onBroker.DeadLetterReason);
        Assert.Equal(eventId, Assert.Single(await api.DeadLettersAsync(subscriber.Id)).GetProperty("eventId").GetString());
    }

    [Fact]
    public async Task A_fan_out_that_throws_leaves_its_message_to_be_redelivered_until_the_broker_dead_letters_it_after_ten_deliveries()
    {
        var type = Unique("stuck") + ".event";
        var name = Unique("stuck");
        await api.SubscribeAsync(Receiver.Endpoint(name), type);
        var failuresBefore = flow.Pump.Failures.Count;

        string eventId;
        using (flow.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, () => new ServiceBusException("The deliveries queue is unavailable.", ServiceBusFailureReason.ServiceCommunicationProblem)))
        {
            eventId = await api.PublishAcceptedAsync(type);
            await Eventually.HoldsAsync(() => flow.Broker.Peek(FanOutDeadLetters).Any(m => m.Body.ToString().Contains(eventId, StringComparison.Ordinal)), "the event notice is dead-lettered");
        }

        var deadLettered = Assert.Single(flow.Broker.Peek(FanOutDeadLetters), m => m.Body.ToString().Contains(eventId, StringComparison.Ordinal));
        Assert.Equal("MaxDeliveryCountExceeded", deadLettered.DeadLetterReason);
        Assert.Equal(MessagingNames.MaxDeliveryCount, deadLettered.DeliveryCount);
        Assert.Equal(MessagingNames.MaxDeliveryCount, flow.Pump.Failures.Count - failuresBefore);
        Assert.Empty(Receiver.At(name));
    }

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)];

    private IEnumerable<ServiceBusReceivedMessage> DeadLettersOf(string subscriptionId) =>
        flow.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Where(m => m.Body.ToString().Contains(subscriptionId, StringComparison.Ordinal));
}
