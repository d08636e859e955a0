using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.SelfHosted;
using WebhookFunctions.Storage.Development;

namespace WebhookFunctions.EndToEndTests.Api;

/// <summary>
/// The real self-hosted server, started in-process on a free port against its own Azurite, with a unique storage
/// name prefix and a non-Development environment (so API keys are enforced and plain http:// URLs are refused).
/// </summary>
public sealed class ApiServerFixture : IAsyncLifetime
{
    public const string ApiKey = "end-to-end-test-key";

    private AzuriteLauncher? _azurite;
    private WebApplication? _app;

    /// <summary>Sends the API key on every request.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>Sends no key.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteLauncher.StartOnFreePortsAsync(NullLogger.Instance, CancellationToken.None);
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Storage:NamePrefix"] = $"api{Guid.NewGuid():N}"[..16],
            ["Api:Keys:0"] = ApiKey,
            ["Delivery:AllowHttpUrls"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        _app = SelfHostedServer.Build(
            ["--environment", "EndToEnd"],
            builder => builder.Configuration.AddInMemoryCollection(settings));
        await _app.StartAsync();

        var baseAddress = new Uri(_app.Urls.Single());
        Client = new HttpClient { BaseAddress = baseAddress };
        Client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
        Client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        Anonymous = new HttpClient { BaseAddress = baseAddress };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Anonymous?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiServerCollection : ICollectionFixture<ApiServerFixture>
{
    public const string Name = "API server";
}
