using System.Text.Json;
using WebhookFunctions.Testing.Waiting;
using Xunit;

namespace WebhookFunctions.Testing.Scenarios;

/// <summary>The operations the scenarios use, each one request of the HTTP contract to a host, its status checked.</summary>
public sealed class ContractClient(IWebhookHost host)
{
    public Task<Subscriber> SubscribeAsync(string url, params string[] eventTypes) => SubscribeAsync(url, eventTypes, tenantId: null);

    /// <summary>
    /// Subscribes for a tenant (none when <paramref name="tenantId"/> is null), with a payload filter when
    /// <paramref name="filterJson"/> (a JSON object) is given; the answer must name the tenant.
    /// </summary>
    public async Task<Subscriber> SubscribeAsync(string url, string[] eventTypes, string? tenantId, string? filterJson = null)
    {
        var tenant = tenantId is null ? "" : $",\"tenantId\":{JsonSerializer.Serialize(tenantId)}";
        var filter = filterJson is null ? "" : $",\"filter\":{filterJson}";
        var body = $$"""{"url":{{JsonSerializer.Serialize(url)}},"eventTypes":{{JsonSerializer.Serialize(eventTypes)}}{{tenant}}{{filter}}}""";
        var created = await SendAsync(HttpMethod.Post, "/api/subscriptions", 201, body);
        Assert.Equal(tenantId, created.Json().GetProperty("tenantId").GetString());
        return new Subscriber(created.Json().GetProperty("id").GetString()!, created.Json().GetProperty("secret").GetString()!);
    }

    /// <summary>
    /// Subscribes with <c>"verify": true</c> and the given secret (so a receiver can check the handshake's signature
    /// as it arrives, before the answer names the secret); returns the id and the status the answer reports.
    /// </summary>
    public async Task<(string Id, string Status)> SubscribeWithVerificationAsync(string url, string eventType, string secret)
    {
        var body = JsonSerializer.Serialize(new { url, eventTypes = new[] { eventType }, secret, verify = true });
        var created = await SendAsync(HttpMethod.Post, "/api/subscriptions", 201, body);
        return (created.Json().GetProperty("id").GetString()!, created.Json().GetProperty("status").GetString()!);
    }

    /// <summary>POST /api/subscriptions/{id}/verify; the status (200 passed, 422 not) is the caller's to check.</summary>
    public Task<ContractResponse> VerifyAsync(string id) => host.SendAsync(new ContractRequest(HttpMethod.Post, $"/api/subscriptions/{id}/verify"));

    /// <summary>Publishes <c>{"type", "data"}</c> with the given headers (e.g. Idempotency-Key, traceparent); the response is not checked.</summary>
    public Task<ContractResponse> PublishAsync(string type, string dataJson, IReadOnlyDictionary<string, string>? headers = null, string? tenantId = null)
    {
        var tenant = tenantId is null ? "" : $",\"tenantId\":{JsonSerializer.Serialize(tenantId)}";
        return host.SendAsync(new ContractRequest(HttpMethod.Post, "/api/events", $$"""{"type":"{{type}}","data":{{dataJson}}{{tenant}}}""", headers));
    }

    /// <summary>Publishes and returns the accepted event's id.</summary>
    public async Task<string> PublishAcceptedAsync(string type, string dataJson = "{}", IReadOnlyDictionary<string, string>? headers = null, string? tenantId = null)
    {
        var published = await PublishAsync(type, dataJson, headers, tenantId);
        Assert.True(published.StatusCode == 202, $"Publishing {type}: {published}");
        return published.Json().GetProperty("id").GetString()!;
    }

    public async Task<IReadOnlyList<DeliveryAttempt>> DeliveriesAsync(string eventId)
    {
        var page = await SendAsync(HttpMethod.Get, $"/api/events/{eventId}/deliveries", 200);
        return page.Json().GetProperty("items").EnumerateArray().Select(DeliveryAttempt.From).ToList();
    }

    /// <summary>Polls the event's delivery log until <paramref name="done"/> holds, and returns it in attempt order.</summary>
    public async Task<IReadOnlyList<DeliveryAttempt>> WaitForAttemptsAsync(string eventId, Func<IReadOnlyList<DeliveryAttempt>, bool> done)
    {
        var attempts = await Eventually.ValueAsync(
            () => DeliveriesAsync(eventId),
            done,
            last => $"the delivery log of {eventId} meets the condition; it holds {JsonSerializer.Serialize(last)}");
        return attempts.OrderBy(attempt => attempt.Attempt).ToList();
    }

    public async Task<IReadOnlyList<JsonElement>> DeadLettersAsync(string subscriptionId)
    {
        var page = await SendAsync(HttpMethod.Get, $"/api/dead-letters?subscriptionId={subscriptionId}", 200);
        return page.Json().GetProperty("items").EnumerateArray().ToList();
    }

    /// <summary>
    /// Polls the dead-letter listing until it holds <paramref name="count"/> items: a host may log the last attempt a
    /// moment before the dead letter is stored (on Service Bus it is the message settled into the dead-letter sub-queue).
    /// </summary>
    public Task<IReadOnlyList<JsonElement>> WaitForDeadLettersAsync(string subscriptionId, int count) =>
        Eventually.ValueAsync(
            () => DeadLettersAsync(subscriptionId),
            items => items.Count >= count,
            items => $"{count} dead letter(s) of {subscriptionId} listed; the listing has {items.Count}");

    public async Task<JsonElement> ReplayAsync(string subscriptionId)
    {
        var replayed = await SendAsync(HttpMethod.Post, "/api/dead-letters/replay", 200, JsonSerializer.Serialize(new { subscriptionId, dryRun = false }));
        return replayed.Json();
    }

    /// <summary>DELETE /api/dead-letters with the query given (e.g. <c>eventType=a.b&amp;dryRun=true</c>); returns the answer.</summary>
    public async Task<JsonElement> PurgeAsync(string query)
    {
        var purged = await SendAsync(HttpMethod.Delete, $"/api/dead-letters?{query}", 200);
        return purged.Json();
    }

    public async Task<(JsonElement Subscription, string ETag)> GetSubscriptionAsync(string id)
    {
        var read = await SendAsync(HttpMethod.Get, $"/api/subscriptions/{id}", 200);
        var etag = read.Header("etag");
        Assert.False(string.IsNullOrEmpty(etag), $"GET /api/subscriptions/{id} has no ETag.");
        return (read.Json(), etag);
    }

    public async Task<JsonElement> PatchSubscriptionAsync(string id, string json, string etag)
    {
        var patched = await SendAsync(HttpMethod.Patch, $"/api/subscriptions/{id}", 200, json, new Dictionary<string, string> { ["If-Match"] = etag });
        return patched.Json();
    }

    public Task DeleteSubscriptionAsync(string id) => SendAsync(HttpMethod.Delete, $"/api/subscriptions/{id}", 204);

    /// <summary>Rotates the subscription's secret and returns the new one.</summary>
    public async Task<string> RotateSecretAsync(string id)
    {
        var rotated = await SendAsync(HttpMethod.Post, $"/api/subscriptions/{id}/rotate-secret", 200);
        return rotated.Json().GetProperty("secret").GetString()!;
    }

    /// <summary>Sends the subscription a webhook.test event and returns its id.</summary>
    public async Task<string> SendTestAsync(string id)
    {
        var accepted = await SendAsync(HttpMethod.Post, $"/api/subscriptions/{id}/test", 202);
        return accepted.Json().GetProperty("id").GetString()!;
    }

    private async Task<ContractResponse> SendAsync(HttpMethod method, string path, int expectedStatus, string? json = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var response = await host.SendAsync(new ContractRequest(method, path, json, headers));
        Assert.True(response.StatusCode == expectedStatus, $"{method} {path}: expected {expectedStatus}, got {response}");
        return response;
    }
}

/// <summary>A subscription the scenario created, with the secret it was given.</summary>
public sealed record Subscriber(string Id, string Secret);
