using System.Net;
using System.Text.RegularExpressions;
using static WebhookFunctions.EndToEndTests.Api.ApiAssertions;

namespace WebhookFunctions.EndToEndTests.Api;

/// <summary>Responses as a person copies them from curl: no \u escapes of ASCII, one timestamp format everywhere.</summary>
[Collection(ApiServerCollection.Name)]
public sealed partial class ExactOutputTests(ApiServerFixture server)
{
    // 32 bytes whose base64 holds both '+' and '/'.
    private const string SecretWithPlusAndSlash = "whsec_+/8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e";

    private HttpClient Client => server.Client;

    [Fact]
    public async Task A_secret_with_plus_and_slash_comes_back_exactly_as_given()
    {
        var response = await Client.PostAsync(
            "/api/subscriptions",
            Json($$"""{"url":"https://example.invalid/hooks","eventTypes":["order.*"],"secret":"{{SecretWithPlusAndSlash}}"}"""));

        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains($"\"secret\":\"{SecretWithPlusAndSlash}\"", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_texts_quote_with_plain_quotes()
    {
        var response = await Client.GetAsync("/api/dead-letters?since=yesterday");

        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'yesterday' is not an RFC 3339 date-time", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_timestamp_in_publish_event_and_subscription_responses_has_exactly_milliseconds()
    {
        var created = await (await Client.PostAsync("/api/subscriptions", Json("""{"url":"https://example.invalid/hooks","eventTypes":["exact.*"]}"""))).Content.ReadAsStringAsync();
        var rotated = await (await Client.PostAsync($"/api/subscriptions/{Id(created)}/rotate-secret", null)).Content.ReadAsStringAsync();
        var published = await (await Client.PostAsync("/api/events", Json("""{"type":"exact.created","data":{"n":1}}"""))).Content.ReadAsStringAsync();
        var read = await (await Client.GetAsync($"/api/events/{Id(published)}")).Content.ReadAsStringAsync();

        var timestamps = new[] { created, rotated, published, read }.SelectMany(body => TimestampFields().Matches(body).Select(m => m.Groups["value"].Value)).ToList();

        Assert.True(timestamps.Count >= 5, $"Expected the createdAt, updatedAt, previousSecretExpiresAt and both event timestamps; found {timestamps.Count}.");
        Assert.All(timestamps, value => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", value));
        Assert.Equal(TimestampOf(published, "timestamp"), TimestampOf(read, "timestamp"));
    }

    private static string Id(string body) => Regex.Match(body, "\"id\":\"(?<id>[^\"]+)\"").Groups["id"].Value;

    private static string TimestampOf(string body, string field) => Regex.Match(body, $"\"{field}\":\"(?<value>[^\"]+)\"").Groups["value"].Value;

    [GeneratedRegex("\"(?:createdAt|updatedAt|timestamp|previousSecretExpiresAt|at|firstAttemptAt|lastAttemptAt|nextAttemptAt)\":\"(?<value>[^\"]+)\"")]
    private static partial Regex TimestampFields();
}
