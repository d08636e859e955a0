using WebhookFunctions.EndToEndTests.Hosting;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Api;

/// <summary>The real server with production-like settings: API keys enforced and plain http:// URLs refused.</summary>
public sealed class ApiServerFixture : IAsyncLifetime
{
    public const string ApiKey = RunningServer.ApiKey;

    private RunningServer? server;

    /// <summary>Sends the API key on every request.</summary>
    public HttpClient Client => server!.Client;

    /// <summary>Sends no key.</summary>
    public HttpClient Anonymous => server!.Anonymous;

    public async Task InitializeAsync() =>
        server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Delivery:AllowHttpUrls"] = "false" });

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiServerCollection : ICollectionFixture<ApiServerFixture>
{
    public const string Name = "API server";
}
