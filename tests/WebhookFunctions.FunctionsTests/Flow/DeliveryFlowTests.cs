using System.Text.Json;
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
    public async Task A_fan_out_that_meets_a_fault_reschedules_its_notice_instead_of_burning_deliveries_and_delivers_once_the_fault_clears()
    {
        var type = Unique("stuck") + ".event";
        var name = Unique("stuck");
        await api.SubscribeAsync(Receiver.Endpoint(name), type);

        string eventId;
        using (flow.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, () => new ServiceBusException("The deliveries queue is unavailable.", ServiceBusFailureReason.ServiceCommunicationProblem)))
        {
            eventId = await api.PublishAcceptedAsync(type);
            await Eventually.HoldsAsync(
                () => flow.Pump.Invocations.Any(i => i.MessageId == eventId + "#f1"),
                "the notice's first fault retry reaches the fan-out function");
        }

        await Receiver.WaitForAsync(name, 1);
        await flow.WaitUntilIdleAsync();
        var notices = flow.Pump.Invocations.Where(i => i.EntityPath == WebhookTopology.FanOutSubscription && i.MessageId.StartsWith(eventId, StringComparison.Ordinal)).ToList();
        Assert.Equal(eventId, notices[0].MessageId);
        Assert.All(notices, notice => Assert.Equal(1, notice.DeliveryCount));
        Assert.Equal(Enumerable.Range(0, notices.Count), notices.Select(n => n.FaultRetries));
        Assert.DoesNotContain(flow.Broker.Peek(FanOutDeadLetters), m => m.Body.ToString().Contains(eventId, StringComparison.Ordinal));
        Assert.Equal(eventId, Assert.Single(Receiver.At(name)).Header("webhook-id"));
    }

    [Fact]
    public async Task A_notice_the_broker_dead_letters_is_listed_as_a_fan_out_dead_letter_and_replaying_it_delivers_the_event()
    {
        var type = Unique("refused") + ".event";
        var name = Unique("refused");
        await api.SubscribeAsync(Receiver.Endpoint(name), type);

        string eventId;
        using (flow.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, () => new ServiceBusException("The namespace's quota is used up.", ServiceBusFailureReason.QuotaExceeded)))
        {
            eventId = await api.PublishAcceptedAsync(type);
            await Eventually.HoldsAsync(() => flow.Broker.Peek(FanOutDeadLetters).Any(m => m.Body.ToString().Contains(eventId, StringComparison.Ordinal)), "the event notice is dead-lettered");
        }

        var listed = await flow.Http.SendAsync("GET", $"/api/dead-letters?stage=fanOut&eventType={type}");
        Assert.True(listed.StatusCode == 200, listed.ToString());
        var deadLetter = Assert.Single(listed.Json().GetProperty("items").EnumerateArray());
        Assert.Equal(("fanOut", JsonValueKind.Null, "maxAttemptsExceeded"), (deadLetter.GetProperty("stage").GetString(), deadLetter.GetProperty("subscriptionId").ValueKind, deadLetter.GetProperty("reason").GetString()));
        Assert.Equal(10, deadLetter.GetProperty("attempts").GetInt32());
        var deliveries = await flow.Http.SendAsync("GET", $"/api/dead-letters?stage=delivery&eventType={type}");
        Assert.Empty(deliveries.Json().GetProperty("items").EnumerateArray());

        var replay = await flow.Http.SendAsync("POST", "/api/dead-letters/replay", JsonSerializer.Serialize(new { stage = "fanOut", eventId, dryRun = false }));
        Assert.True(replay.StatusCode == 200, replay.ToString());
        Assert.Equal((1, 1), (replay.Json().GetProperty("matched").GetInt32(), replay.Json().GetProperty("replayed").GetInt32()));

        Assert.Equal(eventId, Assert.Single(await Receiver.WaitForAsync(name, 1)).Header("webhook-id"));
        var after = await flow.Http.SendAsync("GET", $"/api/dead-letters?stage=fanOut&eventType={type}");
        Assert.Empty(after.Json().GetProperty("items").EnumerateArray());
    }

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)];

    private IEnumerable<ServiceBusReceivedMessage> DeadLettersOf(string subscriptionId) =>
        flow.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Where(m => m.Body.ToString().Contains(subscriptionId, StringComparison.Ordinal));
}
