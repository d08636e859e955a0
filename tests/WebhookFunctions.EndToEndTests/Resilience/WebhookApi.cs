using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>The few API calls the resilience tests make, over a client that already sends the API key.</summary>
public static class WebhookApi
{
    /// <returns>The new subscription's id.</returns>
    public static async Task<string> SubscribeAsync(HttpClient client, string url, string eventType)
    {
        var response = await client.PostAsJsonAsync("/api/subscriptions", new { url, eventTypes = new[] { eventType } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var created = JsonDocument.Parse(body);
        return created.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>One publish attempt; the event id when the server answered 202, else null.</summary>
    public static async Task<string?> TryPublishAsync(HttpClient client, string eventType, string? id = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var body = new Dictionary<string, object> { ["type"] = eventType, ["data"] = new { n = 1 } };
        if (id is not null)
        {
            body["id"] = id;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            return null;
        }

        using var receipt = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return receipt.RootElement.GetProperty("id").GetString();
    }

    /// <summary>
    /// Every dead letter, following continuation tokens: the event, the subscription (null for a fan-out dead letter,
    /// which names none) and the stage ("delivery" or "fanOut").
    /// </summary>
    public static async Task<IReadOnlyList<(string EventId, string? SubscriptionId, string Stage)>> ListDeadLettersAsync(HttpClient client)
    {
        var items = new List<(string, string?, string)>();
        string? token = null;
        do
        {
            var url = "/api/dead-letters?limit=100" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token));
            using var page = JsonDocument.Parse(await client.GetStringAsync(url));
            items.AddRange(page.RootElement.GetProperty("items").EnumerateArray()
                .Select(item => (item.GetProperty("eventId").GetString()!, item.GetProperty("subscriptionId").GetString(), item.GetProperty("stage").GetString()!)));
            token = page.RootElement.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null);

        return items;
    }
}
