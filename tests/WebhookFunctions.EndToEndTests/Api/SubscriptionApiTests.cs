using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using static WebhookFunctions.EndToEndTests.Api.ApiAssertions;

namespace WebhookFunctions.EndToEndTests.Api;

[Collection(ApiServerCollection.Name)]
public sealed class SubscriptionApiTests(ApiServerFixture server)
{
    private const string ValidBody = """{"url":"https://example.invalid/hooks","eventTypes":["order.*","invoice.paid"],"description":"billing","headers":{"X-Team":"billing"}}""";

    private HttpClient Client => server.Client;

    [Fact]
    public async Task Create_answers_201_with_location_etag_and_the_secret_which_no_read_shows_again()
    {
        var response = await Client.PostAsync("/api/subscriptions", Json(ValidBody));

        var created = await AssertJsonAsync(response, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal($"/api/subscriptions/{id}", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal("https://example.invalid/hooks", created.GetProperty("url").GetString());
        Assert.Equal(["order.*", "invoice.paid"], created.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("billing", created.GetProperty("headers").GetProperty("X-Team").GetString());
        Assert.Equal("enabled", created.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("disabledReason").ValueKind);
        Assert.EndsWith("Z", created.GetProperty("createdAt").GetString(), StringComparison.Ordinal);

        var read = await AssertJsonAsync(await Client.GetAsync(response.Headers.Location), HttpStatusCode.OK);
        Assert.Equal(id, read.GetProperty("id").GetString());
        Assert.False(read.TryGetProperty("secret", out _));

        var page = await AssertJsonAsync(await Client.GetAsync("/api/subscriptions?limit=200"), HttpStatusCode.OK);
        var listed = page.GetProperty("items").EnumerateArray().Single(item => item.GetProperty("id").GetString() == id);
        Assert.False(listed.TryGetProperty("secret", out _));
        Assert.True(page.TryGetProperty("continuationToken", out _));
    }

    [Fact]
    public async Task Patch_with_the_current_etag_applies_and_a_stale_etag_is_refused_with_412()
    {
        var id = await CreateAsync();
        var get = await Client.GetAsync($"/api/subscriptions/{id}");
        var etag = get.Headers.ETag!;
        Assert.Equal(etag.Tag, $"\"{(await AssertJsonAsync(get, HttpStatusCode.OK)).GetProperty("etag").GetString()}\"");

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/subscriptions/{id}") { Content = Json("""{"description":"changed","status":"disabled"}""") };
        patch.Headers.IfMatch.Add(etag);
        var patched = await Client.SendAsync(patch);
        var body = await AssertJsonAsync(patched, HttpStatusCode.OK);
        Assert.Equal("changed", body.GetProperty("description").GetString());
        Assert.Equal("disabled", body.GetProperty("status").GetString());
        Assert.Equal("manual", body.GetProperty("disabledReason").GetString());
        Assert.NotEqual(etag.Tag, patched.Headers.ETag?.Tag);

        var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/subscriptions/{id}") { Content = Json("""{"description":"lost update"}""") };
        stale.Headers.IfMatch.Add(etag);
        await AssertProblemAsync(await Client.SendAsync(stale), HttpStatusCode.PreconditionFailed);

        var after = await AssertJsonAsync(await Client.GetAsync($"/api/subscriptions/{id}"), HttpStatusCode.OK);
        Assert.Equal("changed", after.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("bare")]
    [InlineData("weak")]
    public async Task Patch_accepts_the_etag_unquoted_or_weak(string form)
    {
        var id = await CreateAsync();
        var token = (await AssertJsonAsync(await Client.GetAsync($"/api/subscriptions/{id}"), HttpStatusCode.OK)).GetProperty("etag").GetString();
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/subscriptions/{id}") { Content = Json("""{"description":"via another form"}""") };
        patch.Headers.TryAddWithoutValidation("If-Match", form == "weak" ? $"W/\"{token}\"" : token);

        var body = await AssertJsonAsync(await Client.SendAsync(patch), HttpStatusCode.OK);

        Assert.Equal("via another form", body.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Patch_without_if_match_is_refused_with_428_and_changes_nothing()
    {
        var id = await CreateAsync();
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/subscriptions/{id}") { Content = Json("""{"description":"no etag"}""") };

        await AssertProblemAsync(await Client.SendAsync(patch), HttpStatusCode.PreconditionRequired);

        var after = await AssertJsonAsync(await Client.GetAsync($"/api/subscriptions/{id}"), HttpStatusCode.OK);
        Assert.Equal("billing", after.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Delete_answers_204_and_the_subscription_is_gone()
    {
        var id = await CreateAsync();

        var deleted = await Client.DeleteAsync($"/api/subscriptions/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertProblemAsync(await Client.GetAsync($"/api/subscriptions/{id}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await Client.DeleteAsync($"/api/subscriptions/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rotate_secret_returns_a_new_secret_and_when_the_previous_one_expires()
    {
        var created = await AssertJsonAsync(await Client.PostAsync("/api/subscriptions", Json(ValidBody)), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString();

        var rotated = await AssertJsonAsync(await Client.PostAsync($"/api/subscriptions/{id}/rotate-secret", null), HttpStatusCode.OK);

        Assert.StartsWith("whsec_", rotated.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(created.GetProperty("secret").GetString(), rotated.GetProperty("secret").GetString());
        Assert.True(rotated.GetProperty("previousSecretExpiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Test_event_is_accepted_with_202_and_its_event_id()
    {
        var id = await CreateAsync();

        var response = await Client.PostAsync($"/api/subscriptions/{id}/test", null);

        var accepted = await AssertJsonAsync(response, HttpStatusCode.Accepted);
        var eventId = accepted.GetProperty("id").GetString();
        Assert.Equal($"/api/events/{eventId}", response.Headers.Location?.OriginalString);
        var stored = await AssertJsonAsync(await Client.GetAsync(response.Headers.Location), HttpStatusCode.OK);
        Assert.Equal("webhook.test", stored.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Deliveries_of_a_subscription_are_a_page()
    {
        var id = await CreateAsync();

        var page = await AssertJsonAsync(await Client.GetAsync($"/api/subscriptions/{id}/deliveries?limit=10"), HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Array, page.GetProperty("items").ValueKind);
        Assert.True(page.TryGetProperty("continuationToken", out _));
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("DELETE", "")]
    [InlineData("POST", "/rotate-secret")]
    [InlineData("POST", "/test")]
    [InlineData("GET", "/deliveries")]
    public async Task An_unknown_subscription_id_is_404(string method, string suffix)
    {
        var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/api/subscriptions/sub_doesnotexist{suffix}"));

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_of_an_unknown_id_is_404()
    {
        var patch = new HttpRequestMessage(HttpMethod.Patch, "/api/subscriptions/sub_doesnotexist") { Content = Json("""{"description":"x"}""") };
        patch.Headers.IfMatch.Add(new EntityTagHeaderValue("\"abc\""));

        await AssertProblemAsync(await Client.SendAsync(patch), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"url":"https://example.invalid/hooks","eventTypes":["order.*"]""", "body")]
    [InlineData("""{"url":"https://example.invalid/hooks",,}""", "body")]
    [InlineData("", "body")]
    [InlineData("null", "body")]
    [InlineData("""{"url":"https://example.invalid/hooks"}""", "eventTypes")]
    [InlineData("""{"url":"https://example.invalid/hooks","eventTypes":[]}""", "eventTypes")]
    [InlineData("""{"url":"https://example.invalid/hooks","eventTypes":"order.*"}""", "eventTypes")]
    [InlineData("""{"url":"https://example.invalid/hooks","eventTypes":["order.*",null]}""", "eventTypes")]
    [InlineData("""{"eventTypes":["order.*"]}""", "url")]
    [InlineData("""{"url":"not a url","eventTypes":["order.*"]}""", "url")]
    [InlineData("""{"url":"/relative/hooks","eventTypes":["order.*"]}""", "url")]
    [InlineData("""{"url":"https://user:password@example.invalid/hooks","eventTypes":["order.*"]}""", "url")]
    [InlineData("""{"url":"http://example.invalid/hooks","eventTypes":["order.*"]}""", "url")]
    [InlineData("""{"url":"https://example.invalid/hooks","eventTypes":["order.*"],"headers":{"webhook-signature":"forged"}}""", "headers")]
    [InlineData("""{"url":"https://example.invalid/hooks","eventTypes":["order.*"],"headers":{"Content-Type":"text/plain"}}""", "headers")]
    [InlineData("""{"url":"https://example.invalid/hooks","eventTypes":["order.*"],"secrett":"typo"}""", "secrett")]
    public async Task Invalid_create_bodies_are_400_naming_the_field_and_write_nothing(string body, string field)
    {
        var response = await AssertNothingWrittenAsync(Client, () => Client.PostAsync("/api/subscriptions", Json(body)));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Deeply_nested_json_is_400_and_writes_nothing()
    {
        var body = $$"""{"url":"https://example.invalid/hooks","eventTypes":["order.*"],"description":{{NestedArrays(100)}}}""";

        var response = await AssertNothingWrittenAsync(Client, () => Client.PostAsync("/api/subscriptions", Json(body)));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "description");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=latin1")]
    public async Task A_body_that_is_not_utf8_json_is_415_and_writes_nothing(string contentType)
    {
        var content = new StringContent(ValidBody);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        var response = await AssertNothingWrittenAsync(Client, () => Client.PostAsync("/api/subscriptions", content));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_256_KiB_is_413_and_writes_nothing()
    {
        var body = $$"""{"url":"https://example.invalid/hooks","eventTypes":["order.*"],"description":"{{new string('x', 300 * 1024)}}"}""";

        var response = await AssertNothingWrittenAsync(Client, () => Client.PostAsync("/api/subscriptions", Json(body)));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task An_invalid_patch_is_400_and_changes_nothing()
    {
        var id = await CreateAsync();
        var get = await Client.GetAsync($"/api/subscriptions/{id}");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/subscriptions/{id}") { Content = Json("""{"url":"https://user:pw@example.invalid/","status":"paused"}""") };
        patch.Headers.IfMatch.Add(get.Headers.ETag!);

        var problem = await AssertProblemAsync(await Client.SendAsync(patch), HttpStatusCode.BadRequest, "url");

        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
        var after = await Client.GetAsync($"/api/subscriptions/{id}");
        Assert.Equal(get.Headers.ETag, after.Headers.ETag);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=-1")]
    [InlineData("limit=201")]
    [InlineData("limit=99999999999")]
    [InlineData("limit=ten")]
    [InlineData("limit=5&limit=6")]
    public async Task A_bad_limit_is_400(string query)
    {
        await AssertProblemAsync(await Client.GetAsync($"/api/subscriptions?{query}"), HttpStatusCode.BadRequest, "limit");
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("eyJwayI6IngiLCJyayI6InkifQ")]
    public async Task A_forged_continuation_token_is_400(string token)
    {
        await CreateAsync();

        var response = await Client.GetAsync($"/api/subscriptions?continuationToken={token}");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "continuationToken");
    }

    [Fact]
    public async Task Listing_pages_with_a_continuation_token()
    {
        await CreateAsync();
        await CreateAsync();

        var first = await AssertJsonAsync(await Client.GetAsync("/api/subscriptions?limit=1"), HttpStatusCode.OK);
        var token = first.GetProperty("continuationToken").GetString();
        Assert.NotNull(token);
        var second = await AssertJsonAsync(await Client.GetAsync($"/api/subscriptions?limit=1&continuationToken={Uri.EscapeDataString(token)}"), HttpStatusCode.OK);

        Assert.Single(first.GetProperty("items").EnumerateArray());
        Assert.Single(second.GetProperty("items").EnumerateArray());
        Assert.NotEqual(
            first.GetProperty("items")[0].GetProperty("id").GetString(),
            second.GetProperty("items")[0].GetProperty("id").GetString());
    }

    private async Task<string> CreateAsync()
    {
        var created = await AssertJsonAsync(await Client.PostAsync("/api/subscriptions", Json(ValidBody)), HttpStatusCode.Created);
        return created.GetProperty("id").GetString()!;
    }
}
