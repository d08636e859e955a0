using System.Globalization;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>
/// Publish → FanOut → Deliver → a real receiver, through the Functions app's own HTTP and Service Bus functions, on
/// Azurite and the broker double.
/// </summary>
[Collection(FunctionsFlowCollection.Name)]
public sealed class DeliveryFlowTests(FunctionsFlow flow)
{
    private static readonly string FanOutDeadLetters = EntityPaths.DeadLetter(WebhookTopology.FanOutSubscription);

    private ScriptedReceiver Receiver => flow.Receiver;

    [Fact]
    public async Task A_published_event_is_delivered_once_signed_with_the_subscriptions_secret()
    {
        var type = Unique("order") + ".created";
        var name = Unique("signed");
        var (_, secret) = await flow.SubscribeAsync(Receiver.Endpoint(name), type);

        var published = await flow.PublishAsync(type, """{"orderId":42}""");

        Assert.True(published.StatusCode == 202, published.ToString());
        var eventId = published.Json().GetProperty("id").GetString()!;
        await flow.WaitForAttemptsAsync(eventId, attempts => attempts.Any(a => Outcome(a) == "delivered"));
        await flow.WaitUntilBrokerIsDrainedAsync();
        var webhook = Assert.Single(Receiver.At(name));
        Assert.Equal(eventId, webhook.Header("webhook-id"));
        var timestamp = long.Parse(webhook.Header("webhook-timestamp"), CultureInfo.InvariantCulture);
        Assert.Equal(WebhookSigner.Sign(secret, eventId, timestamp, webhook.Body), webhook.Header("webhook-signature"));
        using var envelope = JsonDocument.Parse(webhook.Body);
        Assert.Equal(42, envelope.RootElement.GetProperty("data").GetProperty("orderId").GetInt32());
    }

    [Fact]
    public async Task Two_500s_then_a_200_is_delivered_on_the_third_attempt_with_one_webhook_id()
    {
        var type = Unique("flaky") + ".event";
        var name = Unique("flaky");
        await flow.SubscribeAsync(Receiver.Endpoint(name, 200, 500, 500), type);

        var eventId = await PublishAsync(type);

        var attempts = await flow.WaitForAttemptsAsync(eventId, list => list.Any(a => Outcome(a) == "delivered"));
        Assert.Equal(
            [(1, "failed", 500), (2, "failed", 500), (3, "delivered", 200)],
            attempts.Select(a => (a.GetProperty("attempt").GetInt32(), Outcome(a), a.GetProperty("statusCode").GetInt32())).Order());
        var received = Receiver.At(name);
        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.Header("webhook-id")).Distinct());
    }

    [Fact]
    public async Task Always_failing_is_dead_lettered_on_the_deliveries_queue_listed_and_replayed_once_the_receiver_heals()
    {
        var type = Unique("doomed") + ".event";
        var name = Unique("doomed");
        var (subscriptionId, _) = await flow.SubscribeAsync(Receiver.Endpoint(name, 500), type);

        var eventId = await PublishAsync(type);

        var attempts = await flow.WaitForAttemptsAsync(eventId, list => list.Any(a => Outcome(a) == "deadLettered"));
        Assert.Equal(FunctionsFlow.RetrySchedule.Count, attempts.Count);
        // The attempt is logged before the message is settled, so the dead letter reaches the sub-queue a moment later.
        await Eventually.HoldsAsync(
            () => flow.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Any(m => m.Body.ToString().Contains(subscriptionId, StringComparison.Ordinal)),
            "the delivery message is in the deliveries dead-letter sub-queue");
        var onBroker = Assert.Single(flow.Broker.Peek(WebhookTopology.DeliveriesDeadLetters), m => m.Body.ToString().Contains(subscriptionId, StringComparison.Ordinal));
        Assert.Equal("maxAttemptsExceeded", onBroker.DeadLetterReason);

        var listed = await flow.Http.SendAsync("GET", $"/api/dead-letters?subscriptionId={subscriptionId}");
        Assert.True(listed.StatusCode == 200, listed.ToString());
        var deadLetter = Assert.Single(listed.Json().GetProperty("items").EnumerateArray());
        Assert.Equal(eventId, deadLetter.GetProperty("eventId").GetString());
        Assert.Equal("maxAttemptsExceeded", deadLetter.GetProperty("reason").GetString());
        Assert.Equal(FunctionsFlow.RetrySchedule.Count, deadLetter.GetProperty("attempts").GetInt32());
        Assert.Equal(500, deadLetter.GetProperty("lastStatusCode").GetInt32());

        Receiver.Heal(name, 204);
        var replay = await flow.Http.SendAsync("POST", "/api/dead-letters/replay", JsonSerializer.Serialize(new { subscriptionId, dryRun = false }));
        Assert.True(replay.StatusCode == 200, replay.ToString());
        Assert.Equal((1, 1), (replay.Json().GetProperty("matched").GetInt32(), replay.Json().GetProperty("replayed").GetInt32()));

        await flow.WaitForAttemptsAsync(eventId, list => list.Any(a => Outcome(a) == "delivered"));
        var after = await flow.Http.SendAsync("GET", $"/api/dead-letters?subscriptionId={subscriptionId}");
        Assert.Empty(after.Json().GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_410_disables_the_subscription_as_endpoint_gone()
    {
        var type = Unique("gone") + ".event";
        var name = Unique("gone");
        var (subscriptionId, _) = await flow.SubscribeAsync(Receiver.Endpoint(name, 410), type);

        var eventId = await PublishAsync(type);

        await flow.WaitForAttemptsAsync(eventId, list => list.Any(a => Outcome(a) == "deadLettered"));
        var subscription = await flow.Http.SendAsync("GET", $"/api/subscriptions/{subscriptionId}");
        Assert.Equal("disabled", subscription.Json().GetProperty("status").GetString());
        Assert.Equal("endpointGone", subscription.Json().GetProperty("disabledReason").GetString());
        await Eventually.HoldsAsync(
            () => flow.Broker.Peek(WebhookTopology.DeliveriesDeadLetters).Any(m => m.Body.ToString().Contains(subscriptionId, StringComparison.Ordinal)),
            "the delivery message is in the deliveries dead-letter sub-queue");
        var listed = await flow.Http.SendAsync("GET", $"/api/dead-letters?subscriptionId={subscriptionId}");
        Assert.Equal("endpointGone", Assert.Single(listed.Json().GetProperty("items").EnumerateArray()).GetProperty("reason").GetString());
        Assert.Single(Receiver.At(name));
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_publishes_and_delivers_once()
    {
        var type = Unique("once") + ".event";
        var name = Unique("once");
        await flow.SubscribeAsync(Receiver.Endpoint(name), type);
        var key = Guid.NewGuid().ToString();

        var first = await flow.PublishAsync(type, """{"n":1}""", key);
        var second = await flow.PublishAsync(type, """{"n":1}""", key);

        Assert.True(first.StatusCode == 202, first.ToString());
        Assert.True(second.StatusCode == 202, second.ToString());
        Assert.Equal(first.Json().GetProperty("id").GetString(), second.Json().GetProperty("id").GetString());
        await Receiver.WaitForAsync(name, 1);
        // Absence proven without a quiet period: once both entities are empty, every message sent has been handled.
        await flow.WaitUntilBrokerIsDrainedAsync();
        Assert.Single(Receiver.At(name));
    }

    [Fact]
    public async Task A_fan_out_that_meets_a_fault_reschedules_its_notice_instead_of_burning_deliveries_and_delivers_once_the_fault_clears()
    {
        var type = Unique("stuck") + ".event";
        var name = Unique("stuck");
        await flow.SubscribeAsync(Receiver.Endpoint(name), type);

        string eventId;
        using (flow.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, () => new ServiceBusException("The deliveries queue is unavailable.", ServiceBusFailureReason.ServiceCommunicationProblem)))
        {
            eventId = await PublishAsync(type);
            await Eventually.HoldsAsync(
                () => flow.Pump.Invocations.Any(i => i.MessageId == eventId + "#f1"),
                "the notice's first fault retry reaches the fan-out function");
        }

        await Receiver.WaitForAsync(name, 1);
        await flow.WaitUntilBrokerIsDrainedAsync();
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
        await flow.SubscribeAsync(Receiver.Endpoint(name), type);

        string eventId;
        using (flow.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.Send, () => new ServiceBusException("The namespace's quota is used up.", ServiceBusFailureReason.QuotaExceeded)))
        {
            eventId = await PublishAsync(type);
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

    [Fact]
    public async Task After_rotation_both_signatures_are_sent_and_each_verifies()
    {
        var type = Unique("rotate") + ".event";
        var name = Unique("rotate");
        var (subscriptionId, oldSecret) = await flow.SubscribeAsync(Receiver.Endpoint(name), type);
        var rotated = await flow.Http.SendAsync("POST", $"/api/subscriptions/{subscriptionId}/rotate-secret");
        Assert.True(rotated.StatusCode == 200, rotated.ToString());
        var newSecret = rotated.Json().GetProperty("secret").GetString()!;

        var eventId = await PublishAsync(type);

        var webhook = Assert.Single(await Receiver.WaitForAsync(name, 1));
        var signatures = webhook.Header("webhook-signature").Split(' ');
        Assert.Equal(2, signatures.Length);
        var timestamp = long.Parse(webhook.Header("webhook-timestamp"), CultureInfo.InvariantCulture);
        Assert.Contains(WebhookSigner.Sign(newSecret, eventId, timestamp, webhook.Body), signatures);
        Assert.Contains(WebhookSigner.Sign(oldSecret, eventId, timestamp, webhook.Body), signatures);
    }

    private static string Outcome(JsonElement attempt) => attempt.GetProperty("outcome").GetString()!;

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)];

    private async Task<string> PublishAsync(string type)
    {
        var published = await flow.PublishAsync(type, "{}");
        Assert.True(published.StatusCode == 202, published.ToString());
        return published.Json().GetProperty("id").GetString()!;
    }
}
