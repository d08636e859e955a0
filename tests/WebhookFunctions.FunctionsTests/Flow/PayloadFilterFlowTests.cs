using System.Text.Json;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>A filtered subscription through the Functions app's HTTP and Service Bus functions: only matching events reach it.</summary>
[Collection(FunctionsFlowCollection.Name)]
public sealed class PayloadFilterFlowTests(FunctionsFlow flow)
{
    [Fact]
    public async Task A_filtered_subscription_gets_only_the_events_that_match()
    {
        var type = $"tenant{Guid.NewGuid():N}"[..14] + ".event";
        var filteredName = $"filtered{Guid.NewGuid():N}"[..16];
        var allName = $"all{Guid.NewGuid():N}"[..11];
        var body = JsonSerializer.Serialize(new { url = flow.Receiver.Endpoint(filteredName), eventTypes = new[] { type } });
        var created = await flow.Http.SendAsync("POST", "/api/subscriptions", body.Insert(body.Length - 1, ""","filter":{"data.tenant":{"$in":["t-1","t-2"]}}"""));
        Assert.True(created.StatusCode == 201, created.ToString());
        var filteredId = created.Json().GetProperty("id").GetString()!;
        var (allId, _) = await flow.SubscribeAsync(flow.Receiver.Endpoint(allName), type);

        var other = await PublishAsync(type, """{"tenant":"t-3"}""");
        var own = await PublishAsync(type, """{"tenant":"t-2"}""");

        foreach (var eventId in new[] { other, own })
        {
            await flow.WaitForAttemptsAsync(eventId, list => list.Any(a => a.GetProperty("subscriptionId").GetString() == allId && a.GetProperty("outcome").GetString() == "delivered"));
        }

        await flow.WaitUntilBrokerIsDrainedAsync();
        var received = Assert.Single(flow.Receiver.At(filteredName));
        Assert.Equal(own, received.Header("webhook-id"));
        Assert.Equal(2, flow.Receiver.At(allName).Count);
        var otherAttempts = await flow.WaitForAttemptsAsync(other, list => list.Count > 0);
        Assert.DoesNotContain(otherAttempts, a => a.GetProperty("subscriptionId").GetString() == filteredId);
    }

    private async Task<string> PublishAsync(string type, string data)
    {
        var published = await flow.PublishAsync(type, data);
        Assert.True(published.StatusCode == 202, published.ToString());
        return published.Json().GetProperty("id").GetString()!;
    }
}
