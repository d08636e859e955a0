using System.Net.Http.Headers;

namespace WebhookFunctions.Testing.SelfHosted;

public static class ApiClient
{
    /// <summary>
    /// A client of the API that sends the key (when there is one) and asks for JSON, and adds no trace headers of its
    /// own: a test that sends a traceparent means that one.
    /// </summary>
    public static HttpClient Create(Uri baseAddress, string? apiKey)
    {
        var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = baseAddress };
        if (!string.IsNullOrEmpty(apiKey))
        {
            client.DefaultRequestHeaders.Add("x-functions-key", apiKey);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }
}
