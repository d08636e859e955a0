using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookFunctions.EndToEndTests.Receivers;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.EndToEndTests.Delivery;

/// <summary>Publish → fan-out → signed POSTs to real receivers, through the real self-hosted server on Azurite.</summary>
[Collection(DeliveryServerCollection.Name)]
public sealed class DeliveryScenarioTests(DeliveryServerFixture server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private WebhookReceiver Receiver => server.Receiver;

    [Fact]
    public async Task Matching_subscribers_get_exactly_one_signed_delivery_and_others_none()
    {
        var type = Unique("order") + ".created";
        var exact = await server.SubscribeAsync(Receiver.Endpoint(Unique("exact")), type);
        var prefix = await server.SubscribeAsync(Receiver.Endpoint(Unique("prefix")), type.Split('.')[0] + ".*");
        var other = await server.SubscribeAsync(Receiver.Endpoint(Unique("other")), Unique("invoice") + ".paid");

        var eventId = await server.PublishAsync(type, """{"orderId":42,"note":"ünïcode"}""");

        foreach (var subscriber in new[] { exact, prefix })
        {
            var webhook = Assert.Single(await Receiver.WaitForAsync(subscriber.Endpoint, 1, Patience));
            AssertSigned(webhook, subscriber.Secret, eventId);
            using var envelope = JsonDocument.Parse(webhook.Body);
            Assert.Equal(eventId, envelope.RootElement.GetProperty("id").GetString());
            Assert.Equal(type, envelope.RootElement.GetProperty("type").GetString());
            Assert.Equal(42, envelope.RootElement.GetProperty("data").GetProperty("orderId").GetInt32());
            Assert.Equal("ünïcode", envelope.RootElement.GetProperty("data").GetProperty("note").GetString());
            Assert.Equal("application/json", webhook.Header("content-type").Split(';')[0]);
            Assert.StartsWith("WebhookFunctions/", webhook.Header("user-agent"), StringComparison.Ordinal);
        }

        await server.WaitForAttemptsAsync(eventId, attempts => attempts.Count(a => a.Outcome == "delivered") == 2);
        await Task.Delay(500);
        Assert.Single(Receiver.At(exact.Endpoint));
        Assert.Single(Receiver.At(prefix.Endpoint));
        Assert.Empty(Receiver.At(other.Endpoint));
    }

    [Fact]
    public async Task Two_failures_then_success_is_delivered_on_the_third_attempt()
    {
        var type = Unique("flaky") + ".event";
        var subscriber = await server.SubscribeAsync(Receiver.Endpoint(Unique("flaky"), Answer.Status(200), Answer.Status(500), Answer.Status(500)), type);

        var eventId = await server.PublishAsync(type, "{}");

        var attempts = await server.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "delivered"));
        Assert.Equal([(1, "failed", 500), (2, "failed", 500), (3, "delivered", 200)], attempts.OrderBy(a => a.Attempt).Select(a => (a.Attempt, a.Outcome, a.StatusCode ?? 0)));
        Assert.All(attempts.Where(a => a.Outcome == "failed"), a => Assert.NotNull(a.NextAttemptAt));
        var received = Receiver.At(subscriber.Endpoint);
        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.Header("webhook-id")).Distinct());
    }

    [Fact]
    public async Task Always_failing_is_dead_lettered_listed_and_replayed_once_the_receiver_heals()
    {
        var type = Unique("doomed") + ".event";
        var name = Unique("doomed");
        var subscriber = await server.SubscribeAsync(Receiver.Endpoint(name, Answer.Status(500, "down for maintenance")), type);

        var eventId = await server.PublishAsync(type, "{}");

        var attempts = await server.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "deadLettered"));
        Assert.Equal(DeliveryServerFixture.RetrySchedule.Count, attempts.Count);
        var deadLetters = await server.Client.GetFromJsonAsync<JsonElement>($"/api/dead-letters?subscriptionId={subscriber.Id}");
        var deadLetter = Assert.Single(deadLetters.GetProperty("items").EnumerateArray());
        Assert.Equal(eventId, deadLetter.GetProperty("eventId").GetString());
        Assert.Equal("maxAttemptsExceeded", deadLetter.GetProperty("reason").GetString());
        Assert.Equal(DeliveryServerFixture.RetrySchedule.Count, deadLetter.GetProperty("attempts").GetInt32());
        Assert.Equal(500, deadLetter.GetProperty("lastStatusCode").GetInt32());
        Assert.Contains("HTTP 500", deadLetter.GetProperty("description").GetString(), StringComparison.Ordinal);

        Receiver.Heal(name, Answer.Status(204));
        var replay = await server.Client.PostAsJsonAsync("/api/dead-letters/replay", new { subscriptionId = subscriber.Id, dryRun = false });
        var counts = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, 1), (counts.GetProperty("matched").GetInt32(), counts.GetProperty("replayed").GetInt32()));

        await server.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "delivered"));
        var after = await server.Client.GetFromJsonAsync<JsonElement>($"/api/dead-letters?subscriptionId={subscriber.Id}");
        Assert.Empty(after.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_410_disables_the_subscription_as_endpoint_gone()
    {
        var type = Unique("gone") + ".event";
        var subscriber = await server.SubscribeAsync(Receiver.Endpoint(Unique("gone"), Answer.Status(410)), type);

        var eventId = await server.PublishAsync(type, "{}");

        await server.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "deadLettered"));
        var subscription = await server.Client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{subscriber.Id}");
        Assert.Equal("disabled", subscription.GetProperty("status").GetString());
        Assert.Equal("endpointGone", subscription.GetProperty("disabledReason").GetString());
        var deadLetters = await server.Client.GetFromJsonAsync<JsonElement>($"/api/dead-letters?subscriptionId={subscriber.Id}");
        Assert.Equal("endpointGone", Assert.Single(deadLetters.GetProperty("items").EnumerateArray()).GetProperty("reason").GetString());
        Assert.Single(Receiver.At(subscriber.Endpoint));
    }

    [Fact]
    public async Task A_hanging_receiver_times_out_and_the_retry_delivers()
    {
        var type = Unique("slow") + ".event";
        var subscriber = await server.SubscribeAsync(Receiver.Endpoint(Unique("slow"), Answer.Status(200), Answer.Hang), type);

        var eventId = await server.PublishAsync(type, "{}");

        var attempts = (await server.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "delivered"))).OrderBy(a => a.Attempt).ToList();
        Assert.Equal(("failed", "timeout"), (attempts[0].Outcome, attempts[0].Error));
        Assert.InRange(attempts[0].DurationMs, DeliveryServerFixture.AttemptTimeout.TotalMilliseconds * 0.9, DeliveryServerFixture.AttemptTimeout.TotalMilliseconds * 3);
        Assert.Equal((2, "delivered"), (attempts[1].Attempt, attempts[1].Outcome));
        Assert.Equal(2, Receiver.At(subscriber.Endpoint).Count);
    }

    [Fact]
    public async Task Retry_after_from_a_503_sets_when_the_next_attempt_comes()
    {
        var type = Unique("busy") + ".event";
        var subscriber = await server.SubscribeAsync(Receiver.Endpoint(Unique("busy"), Answer.Status(200), Answer.RetryAfter(503, 3)), type);

        var eventId = await server.PublishAsync(type, "{}");

        var received = await Receiver.WaitForAsync(subscriber.Endpoint, 2, Patience);
        var gap = received[1].ReceivedAt - received[0].ReceivedAt;
        // Scheduled delay is 2 s (no jitter in this fixture); Retry-After 3 s lies within [2 s, 4 s] and wins.
        Assert.InRange(gap, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(8));
        var attempts = await server.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "delivered"));
        var first = attempts.Single(a => a.Attempt == 1);
        Assert.InRange(first.NextAttemptAt!.Value - first.At, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(3.1));
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_delivers_once()
    {
        var type = Unique("once") + ".event";
        var subscriber = await server.SubscribeAsync(Receiver.Endpoint(Unique("once")), type);
        var key = Guid.NewGuid().ToString();

        var first = await server.PublishAsync(type, """{"n":1}""", key);
        var second = await server.PublishAsync(type, """{"n":1}""", key);

        Assert.Equal(first, second);
        await Receiver.WaitForAsync(subscriber.Endpoint, 1, Patience);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var webhook = Assert.Single(Receiver.At(subscriber.Endpoint));
        Assert.Contains("\"n\":1", webhook.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_rotation_both_signatures_are_sent_and_each_verifies()
    {
        var type = Unique("rotate") + ".event";
        var subscriber = await server.SubscribeAsync(Receiver.Endpoint(Unique("rotate")), type);
        var rotation = await server.Client.PostAsync($"/api/subscriptions/{subscriber.Id}/rotate-secret", null);
        var newSecret = (await rotation.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;

        var eventId = await server.PublishAsync(type, "{}");

        var webhook = Assert.Single(await Receiver.WaitForAsync(subscriber.Endpoint, 1, Patience));
        var signatures = webhook.Header("webhook-signature").Split(' ');
        Assert.Equal(2, signatures.Length);
        var timestamp = long.Parse(webhook.Header("webhook-timestamp"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(WebhookSigner.Sign(newSecret, eventId, timestamp, webhook.Body), signatures);
        Assert.Contains(WebhookSigner.Sign(subscriber.Secret, eventId, timestamp, webhook.Body), signatures);
    }

    [Fact]
    public async Task Pending_deliveries_to_a_deleted_subscription_end_as_skipped()
    {
        var type = Unique("deleted") + ".event";
        var subscriber = await server.SubscribeAsync(Receiver.Endpoint(Unique("deleted"), Answer.Status(500)), type);

        var eventId = await server.PublishAsync(type, "{}");
        await server.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "failed"));
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync($"/api/subscriptions/{subscriber.Id}")).StatusCode);

        var attempts = await server.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "skipped"));
        Assert.Equal("subscriptionDeleted", attempts.Single(a => a.Outcome == "skipped").Error);
        var deadLetters = await server.Client.GetFromJsonAsync<JsonElement>($"/api/dead-letters?subscriptionId={subscriber.Id}");
        Assert.Empty(deadLetters.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_test_route_sends_a_signed_webhook_test_event_to_that_subscription()
    {
        var subscriber = await server.SubscribeAsync(Receiver.Endpoint(Unique("probe")), Unique("never") + ".sent");

        var response = await server.Client.PostAsync($"/api/subscriptions/{subscriber.Id}/test", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var eventId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var webhook = Assert.Single(await Receiver.WaitForAsync(subscriber.Endpoint, 1, Patience));
        AssertSigned(webhook, subscriber.Secret, eventId);
        Assert.Contains("\"type\":\"webhook.test\"", webhook.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_publishers_trace_continues_in_the_receivers_traceparent()
    {
        var type = Unique("traced") + ".event";
        var subscriber = await server.SubscribeAsync(Receiver.Endpoint(Unique("traced")), type);
        const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

        await server.PublishAsync(type, "{}", traceParent: $"00-{TraceId}-00f067aa0ba902b7-01");

        var webhook = Assert.Single(await Receiver.WaitForAsync(subscriber.Endpoint, 1, Patience));
        Assert.Equal(TraceId, webhook.Header("traceparent").Split('-')[1]);
    }

    private static void AssertSigned(ReceivedWebhook webhook, string secret, string eventId)
    {
        Assert.Equal(eventId, webhook.Header("webhook-id"));
        var timestamp = long.Parse(webhook.Header("webhook-timestamp"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp, -5, 60);
        Assert.Equal(WebhookSigner.Sign(secret, eventId, timestamp, webhook.Body), webhook.Header("webhook-signature"));
    }

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)];
}
