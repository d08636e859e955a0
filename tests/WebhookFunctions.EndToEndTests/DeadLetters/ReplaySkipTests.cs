using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookFunctions.EndToEndTests.Hosting;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.Waiting;
using static WebhookFunctions.EndToEndTests.Api.ApiAssertions;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.DeadLetters;

/// <summary>
/// Replay through the real server: a dead letter whose subscription is disabled stays as it was and is reported as
/// skipped; once the subscription is enabled again the same dead letter replays and is delivered.
/// </summary>
public sealed class ReplaySkipTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private RunningServer server = null!;
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        server = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Delivery:AllowHttpUrls"] = "true",
            ["Delivery:Jitter"] = "0",
            ["Egress:AllowedNetworks:0"] = "127.0.0.0/8",
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_dead_letter_of_a_disabled_subscription_is_skipped_keeps_its_410_record_and_replays_once_enabled()
    {
        var url = receiver.Endpoint("gone", Answer.Status(410));
        var subscription = await AssertJsonAsync(
            await server.Client.PostAsJsonAsync("/api/subscriptions", new { url, eventTypes = new[] { "order.created" } }),
            HttpStatusCode.Created);
        var subscriptionId = subscription.GetProperty("id").GetString()!;
        var published = await AssertJsonAsync(
            await server.Client.PostAsync("/api/events", Json("""{"type":"order.created","data":{"orderId":42}}""")),
            HttpStatusCode.Accepted);
        var eventId = published.GetProperty("id").GetString()!;
        var deadLetter = await Eventually.FoundAsync(async () =>
        {
            var page = await server.Client.GetFromJsonAsync<JsonElement>($"/api/dead-letters?subscriptionId={subscriptionId}");
            return page.GetProperty("items").EnumerateArray().Select(item => item.GetRawText()).SingleOrDefault();
        },
        "the 410 is dead-lettered");
        Assert.Equal(
            ("endpointGone", 1, 410),
            Parsed(deadLetter, item => (item.GetProperty("reason").GetString(), item.GetProperty("attempts").GetInt32(), item.GetProperty("lastStatusCode").GetInt32())));
        var disabled = await server.Client.GetAsync($"/api/subscriptions/{subscriptionId}");
        Assert.Equal("disabled", (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var dryRun = await server.Client.PostAsync("/api/dead-letters/replay", Json($$"""{"subscriptionId":"{{subscriptionId}}","dryRun":true}"""));
        Assert.Equal(
            """{"matched":1,"replayed":0,"skipped":{"subscriptionDisabled":1}}""",
            (await AssertJsonAsync(dryRun, HttpStatusCode.OK)).GetRawText());

        var skipped = await server.Client.PostAsync("/api/dead-letters/replay", Json($$"""{"subscriptionId":"{{subscriptionId}}"}"""));

        Assert.Equal(
            """{"matched":1,"replayed":0,"skipped":{"subscriptionDisabled":1}}""",
            (await AssertJsonAsync(skipped, HttpStatusCode.OK)).GetRawText());
        var kept = await server.Client.GetFromJsonAsync<JsonElement>($"/api/dead-letters?subscriptionId={subscriptionId}");
        Assert.Equal(deadLetter, Assert.Single(kept.GetProperty("items").EnumerateArray()).GetRawText());
        Assert.Single(receiver.At("gone"));

        receiver.AnswerFromNowOn("gone", Answer.Status(200));
        using var enable = new HttpRequestMessage(HttpMethod.Patch, $"/api/subscriptions/{subscriptionId}") { Content = Json("""{"status":"enabled"}""") };
        enable.Headers.IfMatch.Add(disabled.Headers.ETag!);
        await AssertJsonAsync(await server.Client.SendAsync(enable), HttpStatusCode.OK);

        var replayed = await server.Client.PostAsync("/api/dead-letters/replay", Json($$"""{"subscriptionId":"{{subscriptionId}}"}"""));

        Assert.Equal("""{"matched":1,"replayed":1,"skipped":{}}""", (await AssertJsonAsync(replayed, HttpStatusCode.OK)).GetRawText());
        var delivered = await receiver.WaitForAsync("gone", 2, Patience);
        Assert.Equal(eventId, delivered[1].Headers["webhook-id"]);
        var left = await server.Client.GetFromJsonAsync<JsonElement>($"/api/dead-letters?subscriptionId={subscriptionId}");
        Assert.Empty(left.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"subscriptionId":"sub_does_not_exist"}""", "sub_does_not_exist")]
    [InlineData("""{"eventId":"evt_does_not_exist","dryRun":true}""", "evt_does_not_exist")]
    public async Task A_replay_naming_a_subscription_or_event_that_does_not_exist_is_404(string body, string id)
    {
        var problem = await AssertProblemAsync(await server.Client.PostAsync("/api/dead-letters/replay", Json(body)), HttpStatusCode.NotFound);

        Assert.Contains(id, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static T Parsed<T>(string json, Func<JsonElement, T> read)
    {
        using var document = JsonDocument.Parse(json);
        return read(document.RootElement);
    }
}
