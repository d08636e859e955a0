using System.Text;
using WebhookFunctions.Testing.Scenarios;

namespace WebhookFunctions.EndToEndTests.Hosting;

/// <summary>The requests of the scenarios sent over real HTTP with a client of the API (<see cref="ApiClient"/>).</summary>
internal static class HttpWebhookHost
{
    public static async Task<ContractResponse> SendAsync(HttpClient client, ContractRequest request)
    {
        using var message = new HttpRequestMessage(request.Method, request.Path);
        if (request.Json is not null)
        {
            message.Content = new StringContent(request.Json, Encoding.UTF8, request.ContentType);
        }

        foreach (var (name, value) in request.HeadersOrNone)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(message);
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(header => header.Key.ToLowerInvariant(), header => string.Join(", ", header.Value), StringComparer.Ordinal);
        return new ContractResponse((int)response.StatusCode, headers, await response.Content.ReadAsStringAsync());
    }
}
