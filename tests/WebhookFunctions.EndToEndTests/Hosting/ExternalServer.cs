using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Hosting;

/// <summary>
/// A server the scenarios do not start, named by the environment: WEBHOOK_E2E_BASE_URL (e.g. http://localhost:7071,
/// where `func start` serves the Functions app) and, where that host checks keys, WEBHOOK_E2E_API_KEY. It must run with
/// the test kit's delivery-scenarios.settings.json and reach this machine's loopback receivers.
/// </summary>
internal static class ExternalServer
{
    public const string BaseUrlVariable = "WEBHOOK_E2E_BASE_URL";
    public const string ApiKeyVariable = "WEBHOOK_E2E_API_KEY";

    /// <summary>A client of the external server, or null when none is named.</summary>
    public static HttpClient? ClientFromEnvironment() =>
        Environment.GetEnvironmentVariable(BaseUrlVariable) is { Length: > 0 } baseUrl
            ? ApiClient.Create(new Uri(baseUrl), Environment.GetEnvironmentVariable(ApiKeyVariable))
            : null;
}
