using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using WebhookFunctions.Testing.Waiting;
using static WebhookFunctions.EndToEndTests.Api.ApiAssertions;

namespace WebhookFunctions.EndToEndTests.Secrets;

/// <summary>Signing secrets leave the server only in the answers to create and rotate: never in a read, never in a log.</summary>
public sealed class SecretHygieneTests(SecretHygieneFixture fixture) : IClassFixture<SecretHygieneFixture>
{
    private static readonly JsonSerializerOptions OmitNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task No_secret_appears_in_any_log_message_state_scope_or_exception_across_a_subscription_lifetime()
    {
        var givenSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var generated = await CreateAsync(fixture.Receiver.Endpoint("hygiene-generated"), secret: null);
        var given = await CreateAsync(fixture.Receiver.Endpoint("hygiene-given"), givenSecret);
        fixture.Receiver.Trust("hygiene-generated", generated.Secret);
        await ReadListAndPatchAsync(generated.Id);
        var rotated = await AssertJsonAsync(await Client.PostAsync($"/api/subscriptions/{generated.Id}/rotate-secret", null), HttpStatusCode.OK);
        var rotatedSecret = rotated.GetProperty("secret").GetString()!;
        fixture.Receiver.Trust("hygiene-generated", rotatedSecret);

        var eventId = await PublishAsync("hygiene.checked");
        var webhook = (await fixture.Receiver.WaitForAsync("hygiene-generated", 1)).Single();
        await fixture.Receiver.WaitForAsync("hygiene-given", 1);
        await WaitForDeliveredAsync(eventId, 2);

        // The secrets really signed this delivery (the old one still does during the overlap), so they were in use while logging ran.
        Assert.True(webhook.VerifiesWith(rotatedSecret), "The rotated secret did not sign the delivery.");
        Assert.True(webhook.VerifiesWith(generated.Secret), "The previous secret did not sign the delivery.");

        var entries = fixture.Logs.Entries.ToList();
        Assert.Contains(entries, e => e.Message.Contains("Rotated the signing secret", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Trace);
        Assert.Contains(entries, e => e.Scope.Contains($"SubscriptionId={generated.Id}", StringComparison.Ordinal));
        foreach (var secret in (string[])[generated.Secret, given.Secret, rotatedSecret])
        {
            foreach (var form in Forms(secret))
            {
                var leak = entries.FirstOrDefault(e => e.ToString().Contains(form, StringComparison.Ordinal));
                Assert.True(leak is null, $"A log entry holds a signing secret: {leak}");
            }
        }
    }

    [Fact]
    public async Task Only_create_and_rotate_answer_with_a_secret_never_get_list_or_patch()
    {
        var created = await Client.PostAsync("/api/subscriptions", Json("""{"url":"http://127.0.0.1:9/hygiene","eventTypes":["reads.only"],"description":"reads"}"""));
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains("\"secret\":\"whsec_", createdText, StringComparison.Ordinal);
        var id = JsonDocument.Parse(createdText).RootElement.GetProperty("id").GetString()!;

        var read = await Client.GetAsync($"/api/subscriptions/{id}");
        AssertNoSecret(await read.Content.ReadAsStringAsync(), read.StatusCode);
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/subscriptions/{id}") { Content = Json("""{"description":"patched"}""") };
        patch.Headers.IfMatch.Add(read.Headers.ETag!);
        var patched = await Client.SendAsync(patch);
        AssertNoSecret(await patched.Content.ReadAsStringAsync(), patched.StatusCode);
        string? token = null;
        do
        {
            var page = await Client.GetAsync(token is null ? "/api/subscriptions?limit=1" : $"/api/subscriptions?limit=1&continuationToken={Uri.EscapeDataString(token)}");
            var text = await page.Content.ReadAsStringAsync();
            AssertNoSecret(text, page.StatusCode);
            token = JsonDocument.Parse(text).RootElement.GetProperty("continuationToken").GetString();
        }
        while (token is not null);

        var rotated = await Client.PostAsync($"/api/subscriptions/{id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Contains("\"secret\":\"whsec_", await rotated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static void AssertNoSecret(string body, HttpStatusCode status)
    {
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("secret", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("whsec_", body, StringComparison.Ordinal);
    }

    /// <summary>The secret as a log could hold it: whole, its base64 part alone, JSON-escaped, URL-escaped.</summary>
    private static IEnumerable<string> Forms(string secret)
    {
        var base64 = secret["whsec_".Length..];
        return new[] { secret, base64, JsonEncodedText.Encode(base64).ToString(), Uri.EscapeDataString(base64) }.Distinct(StringComparer.Ordinal);
    }

    private async Task<(string Id, string Secret)> CreateAsync(string url, string? secret)
    {
        var body = JsonSerializer.Serialize(new { url, eventTypes = new[] { "hygiene.*" }, secret }, OmitNulls);
        var created = await AssertJsonAsync(await Client.PostAsync("/api/subscriptions", Json(body)), HttpStatusCode.Created);
        var returned = created.GetProperty("secret").GetString()!;
        if (secret is not null)
        {
            Assert.Equal(secret, returned);
        }

        return (created.GetProperty("id").GetString()!, returned);
    }

    private async Task ReadListAndPatchAsync(string id)
    {
        var read = await Client.GetAsync($"/api/subscriptions/{id}");
        await AssertJsonAsync(read, HttpStatusCode.OK);
        await AssertJsonAsync(await Client.GetAsync("/api/subscriptions?limit=200"), HttpStatusCode.OK);
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/subscriptions/{id}") { Content = Json("""{"description":"hygiene"}""") };
        patch.Headers.IfMatch.Add(read.Headers.ETag!);
        await AssertJsonAsync(await Client.SendAsync(patch), HttpStatusCode.OK);
    }

    private async Task<string> PublishAsync(string type)
    {
        var accepted = await AssertJsonAsync(await Client.PostAsync("/api/events", Json($"{{\"type\":\"{type}\",\"data\":{{\"n\":1}}}}")), HttpStatusCode.Accepted);
        return accepted.GetProperty("id").GetString()!;
    }

    private Task WaitForDeliveredAsync(string eventId, int count) => Eventually.HoldsAsync(
        async () =>
        {
            var page = await Client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/deliveries");
            return page.GetProperty("items").EnumerateArray().Count(a => a.GetProperty("outcome").GetString() == "delivered") >= count;
        },
        $"event {eventId} is delivered {count} times");
}
