using System.Text.Json;
using WebhookFunctions.Engine.Health;

namespace WebhookFunctions.FunctionsTests.Http;

/// <summary>
/// HTTP functions invoked with real requests over the app's real wiring, their results executed, state in Azurite:
/// the Functions host serves the same contract as the self-hosted server.
/// </summary>
[Collection(FunctionsAppOnAzuriteCollection.Name)]
public sealed class HttpFunctionTests(FunctionsAppOnAzurite app)
{
    private const string ProblemJson = "application/problem+json";

    private HttpFunctionInvoker Http => app.Http;

    [Fact]
    public async Task A_subscription_is_created_read_updated_with_its_etag_and_deleted()
    {
        var created = await Http.SendAsync("POST", "/api/subscriptions", """{"url":"https://receiver.example.com/hooks","eventTypes":["order.*"],"description":"first"}""");

        Assert.True(created.StatusCode == 201, created.ToString());
        Assert.Equal("application/json", created.ContentType);
        var id = created.Json().GetProperty("id").GetString()!;
        Assert.StartsWith("whsec_", created.Json().GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal($"/api/subscriptions/{id}", created.Headers.Location.ToString());

        var read = await Http.SendAsync("GET", $"/api/subscriptions/{id}");
        Assert.True(read.StatusCode == 200, read.ToString());
        Assert.False(read.Json().TryGetProperty("secret", out _));
        var etag = read.Headers.ETag.ToString();
        Assert.NotEmpty(etag);

        var updated = await Http.SendAsync("PATCH", $"/api/subscriptions/{id}", """{"description":"second"}""", new Dictionary<string, string> { ["If-Match"] = etag });
        Assert.True(updated.StatusCode == 200, updated.ToString());
        Assert.Equal("second", updated.Json().GetProperty("description").GetString());

        var stale = await Http.SendAsync("PATCH", $"/api/subscriptions/{id}", """{"description":"third"}""", new Dictionary<string, string> { ["If-Match"] = etag });
        Assert.True(stale.StatusCode == 412, stale.ToString());
        Assert.Equal(ProblemJson, stale.ContentType);

        var deleted = await Http.SendAsync("DELETE", $"/api/subscriptions/{id}");
        Assert.Equal(204, deleted.StatusCode);
        Assert.Empty(deleted.Body);

        var gone = await Http.SendAsync("GET", $"/api/subscriptions/{id}");
        Assert.Equal(404, gone.StatusCode);
        Assert.Equal(ProblemJson, gone.ContentType);
    }

    [Fact]
    public async Task An_invalid_subscription_is_a_400_problem_naming_the_field_and_stores_nothing()
    {
        var before = await CountSubscriptionsAsync();

        var refused = await Http.SendAsync("POST", "/api/subscriptions", """{"url":"https://receiver.example.com/hooks","eventTypes":[]}""");

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal(ProblemJson, refused.ContentType);
        Assert.True(refused.Json().GetProperty("errors").TryGetProperty("eventTypes", out _), refused.ToString());
        Assert.Equal(before, await CountSubscriptionsAsync());
    }

    [Fact]
    public async Task Rotating_a_secret_returns_the_new_one_and_when_the_old_one_expires()
    {
        var created = await Http.SendAsync("POST", "/api/subscriptions", """{"url":"https://receiver.example.com/rotate","eventTypes":["*"]}""");
        var id = created.Json().GetProperty("id").GetString()!;

        var rotated = await Http.SendAsync("POST", $"/api/subscriptions/{id}/rotate-secret");

        Assert.True(rotated.StatusCode == 200, rotated.ToString());
        var secret = rotated.Json().GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.NotEqual(created.Json().GetProperty("secret").GetString(), secret);
        Assert.True(rotated.Json().GetProperty("previousSecretExpiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task An_unknown_event_is_a_404_problem()
    {
        var missing = await Http.SendAsync("GET", "/api/events/evt_unknown");

        Assert.Equal(404, missing.StatusCode);
        Assert.Equal(ProblemJson, missing.ContentType);
        Assert.Equal(404, missing.Json().GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Publishing_an_invalid_type_is_a_400_problem_before_anything_is_sent()
    {
        var refused = await Http.SendAsync("POST", "/api/events", """{"type":"order created!","data":{}}""");

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal(ProblemJson, refused.ContentType);
        Assert.Contains("type", refused.Json().GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    [Fact]
    public async Task Health_is_503_with_storage_healthy_and_service_bus_unavailable_and_the_status_alone_without_a_key()
    {
        var details = await Http.SendAsync("GET", "/api/health/details");
        var status = await Http.SendAsync("GET", "/api/health");

        Assert.True(details.StatusCode == 503, details.ToString());
        Assert.Equal("no-store", details.Headers.CacheControl.ToString());
        var checks = details.Json().GetProperty("checks").EnumerateObject().ToDictionary(check => check.Name, check => check.Value.GetString());
        Assert.Equal(["serviceBus", "storage"], checks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("healthy", checks["storage"]);
        Assert.Contains(checks["serviceBus"], new[] { HealthReasons.Timeout, HealthReasons.Unavailable });

        Assert.Equal(503, status.StatusCode);
        Assert.Equal(["status"], status.Json().EnumerateObject().Select(property => property.Name));
        Assert.Equal("unhealthy", status.Json().GetProperty("status").GetString());
    }

    private async Task<int> CountSubscriptionsAsync()
    {
        var listed = await Http.SendAsync("GET", "/api/subscriptions?limit=100");
        Assert.True(listed.StatusCode == 200, listed.ToString());
        return listed.Json().GetProperty("items").GetArrayLength();
    }
}
