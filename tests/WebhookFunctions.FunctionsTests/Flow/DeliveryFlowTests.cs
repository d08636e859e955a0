using System.Globalization;
using System.Text.Json;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>
/// Publish → FanOut → Deliver → a real receiver, through the Functions app's own HTTP and Service Bus functions, on
/// Azurite and the broker double.
/// </summary>
[Collection(FunctionsFlowCollection.Name)]
public sealed class DeliveryFlowTests(FunctionsFlow flow)
{
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
        var webhook = Assert.Single(Receiver.At(name));
        Assert.Equal(eventId, webhook.Header("webhook-id"));
        var timestamp = long.Parse(webhook.Header("webhook-timestamp"), CultureInfo.InvariantCulture);
        Assert.Equal(WebhookSigner.Sign(secret, eventId, timestamp, webhook.Body), webhook.Header("webhook-signature"));
        using var envelope = JsonDocument.Parse(webhook.Body);
        Assert.Equal(42, envelope.RootElement.GetProperty("data").GetProperty("orderId").GetInt32());
        Assert.Empty(flow.Broker.Peek(Testing.ServiceBus.WebhookTopology.Deliveries));
    }

    private static string Outcome(JsonElement attempt) => attempt.GetProperty("outcome").GetString()!;

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)];
}
