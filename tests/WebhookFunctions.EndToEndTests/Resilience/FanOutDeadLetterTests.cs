using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using WebhookFunctions.EndToEndTests.Hosting;
using WebhookFunctions.Testing.Waiting;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>
/// An event that cannot be fanned out stays in the API's view: a broken entry in the subscription index (the partition
/// fan-out reads for the event type) makes fan-out fail (not a transient fault, so every receive counts), the notice
/// reaches the receive limit and becomes a fan-out dead letter, listed with <c>stage=fanOut</c>; once the entry is
/// repaired, replay fans the event out and it is delivered.
/// </summary>
public sealed class FanOutDeadLetterTests
{
    private const string EventType = "fanout.blocked";

    // The index partition of tenant-less subscriptions to exactly this type (layout 2 and later of the subscriptions table).
    private const string BrokenIndexPartition = "ix||" + EventType;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_notice_that_keeps_failing_is_listed_as_a_fan_out_dead_letter_and_replay_fans_it_out_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Delivery:AllowHttpUrls"] = "true",
            ["Egress:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Delivery:SubscriptionCacheDuration"] = "00:00:00",
            ["Workers:MaxDequeueCount"] = "2",
            ["Workers:RetryDelayAfterError"] = "00:00:00",
            ["Workers:MaxPollDelay"] = "00:00:00.200",
        });
        var subscriptionId = await WebhookApi.SubscribeAsync(server.Client, receiver.Endpoint("healthy", Behaviours.Healthy), EventType);
        var subscriptions = new TableServiceClient(server.StorageConnectionString).GetTableClient(server.StorageNamePrefix + "subscriptions");
        await subscriptions.AddEntityAsync(new TableEntity(BrokenIndexPartition, "sub_broken") { ["Enabled"] = "not a boolean" });

        var eventId = await WebhookApi.TryPublishAsync(server.Client, EventType);

        Assert.NotNull(eventId);
        var items = await Eventually.ValueAsync(
            async () => (await server.Client.GetFromJsonAsync<JsonElement>("/api/dead-letters?stage=fanOut")).GetProperty("items"),
            listed => listed.GetArrayLength() == 1,
            listed => $"one fan-out dead letter is listed; the listing has {listed.GetArrayLength()}",
            Patience);
        var deadLetter = items[0];
        Assert.Equal(eventId, deadLetter.GetProperty("eventId").GetString());
        Assert.Equal("fanOut", deadLetter.GetProperty("stage").GetString());
        Assert.Equal(JsonValueKind.Null, deadLetter.GetProperty("subscriptionId").ValueKind);
        Assert.Equal(EventType, deadLetter.GetProperty("eventType").GetString());
        Assert.Equal("maxAttemptsExceeded", deadLetter.GetProperty("reason").GetString());
        Assert.Equal(3, deadLetter.GetProperty("attempts").GetInt32());
        Assert.Contains("not fanned out", deadLetter.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Empty((await server.Client.GetFromJsonAsync<JsonElement>("/api/dead-letters?stage=delivery")).GetProperty("items").EnumerateArray());
        Assert.Empty((await server.Client.GetFromJsonAsync<JsonElement>($"/api/dead-letters?subscriptionId={subscriptionId}")).GetProperty("items").EnumerateArray());
        Assert.Single((await server.Client.GetFromJsonAsync<JsonElement>("/api/dead-letters")).GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(receiver.Arrivals, a => a.WebhookId == eventId);

        await subscriptions.DeleteEntityAsync(BrokenIndexPartition, "sub_broken");
        var replay = await server.Client.PostAsJsonAsync("/api/dead-letters/replay", new { stage = "fanOut", eventId });
        var counts = await replay.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal((1, 1), (counts.GetProperty("matched").GetInt32(), counts.GetProperty("replayed").GetInt32()));
        await Eventually.HoldsAsync(() => receiver.Arrivals.Any(a => a.WebhookId == eventId && a.Succeeded), "the replayed event is delivered", Patience);
        Assert.Equal(["healthy"], receiver.Arrivals.Where(a => a.WebhookId == eventId).Select(a => a.Endpoint));
        Assert.Empty((await server.Client.GetFromJsonAsync<JsonElement>("/api/dead-letters")).GetProperty("items").EnumerateArray());
    }
}
