using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace WebhookFunctions.EndToEndTests.Api;

internal static class ApiAssertions
{
    /// <summary>Asserts an RFC 9457 problem with this status (and, when given, an errors entry for the field); returns its JSON.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? errorField = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        if (errorField is not null)
        {
            Assert.True(
                problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(errorField, out var messages) && messages.GetArrayLength() > 0,
                $"Expected errors.{errorField} in {text}");
        }

        return problem;
    }

    public static async Task<JsonElement> AssertJsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement;
    }

    public static StringContent Json(string json, string mediaType = "application/json") => new(json, Encoding.UTF8, mediaType);

    /// <summary>Every subscription id, across pages.</summary>
    public static async Task<IReadOnlyList<string>> ListSubscriptionIdsAsync(HttpClient client)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var uri = token is null ? "/api/subscriptions?limit=200" : $"/api/subscriptions?limit=200&continuationToken={Uri.EscapeDataString(token)}";
            var page = await client.GetFromJsonAsync<JsonElement>(uri);
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetString()!));
            token = page.GetProperty("continuationToken").GetString();
        }
        while (token is not null);

        return ids;
    }

    /// <summary>Runs a request that must be refused and asserts the subscription list is the same afterwards.</summary>
    public static async Task<HttpResponseMessage> AssertNothingWrittenAsync(HttpClient client, Func<Task<HttpResponseMessage>> request)
    {
        var before = await ListSubscriptionIdsAsync(client);
        var response = await request();
        var after = await ListSubscriptionIdsAsync(client);
        Assert.Equal(before.Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
        return response;
    }

    public static string NestedArrays(int depth) => new string('[', depth) + new string(']', depth);
}
