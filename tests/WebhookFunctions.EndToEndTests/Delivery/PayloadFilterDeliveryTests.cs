using System.Net.Http.Json;
using System.Text.Json;
using WebhookFunctions.EndToEndTests.Receivers;

namespace WebhookFunctions.EndToEndTests.Delivery;

/// <summary>A subscription with a payload filter, through the real server: it receives the matching events only.</summary>
[Collection(DeliveryServerCollection.Name)]
public sealed class PayloadFilterDeliveryTests(DeliveryServerFixture server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_filtered_subscription_gets_only_the_events_that_match_and_an_unfiltered_one_gets_all()
    {
        var type = Unique("order") + ".created";
        var filteredName = Unique("filtered");
        var allName = Unique("all");
        var filtered = await SubscribeAsync(filteredName, type, """{"data.amount": {"$gte": 1000}, "data.lines.0.sku": {"$startsWith": "EU-"}}""");
        var all = await SubscribeAsync(allName, type, filter: null);

        var small = await server.PublishAsync(type, """{"amount": 999, "lines": [{"sku": "EU-1"}]}""");
        var otherRegion = await server.PublishAsync(type, """{"amount": 18446744073709551617, "lines": [{"sku": "US-1"}]}""");
        var match = await server.PublishAsync(type, """{"amount": 1000.0, "lines": [{"sku": "EU-7"}]}""");

        var received = Assert.Single(await server.Receiver.WaitForAsync(filteredName, 1, Patience));
        using (var envelope = JsonDocument.Parse(received.Body))
        {
            Assert.Equal(match, envelope.RootElement.GetProperty("id").GetString());
        }

        // Fan-out puts the subscriptions an event reaches into one delivery job (up to 50), whose attempts are logged
        // together: once the unfiltered subscription's attempt for an event is logged, one for the filtered would be too.
        foreach (var eventId in new[] { small, otherRegion })
        {
            var attempts = await server.WaitForAttemptsAsync(eventId, list => list.Any(a => a.SubscriptionId == all && a.Outcome == "delivered"));
            Assert.DoesNotContain(attempts, a => a.SubscriptionId == filtered);
        }

        Assert.Equal(3, (await server.Receiver.WaitForAsync(allName, 3, Patience)).Count);
        Assert.Single(server.Receiver.At(filteredName));
    }

    private async Task<string> SubscribeAsync(string name, string type, string? filter)
    {
        var url = server.Receiver.Endpoint(name);
        var body = filter is null
            ? JsonSerializer.Serialize(new { url, eventTypes = new[] { type } })
            : $$"""{"url":{{JsonSerializer.Serialize(url)}},"eventTypes":["{{type}}"],"filter":{{filter}}}""";
        var response = await server.Client.PostAsync("/api/subscriptions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, created.ToString());
        return created.GetProperty("id").GetString()!;
    }

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)];
}
