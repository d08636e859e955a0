using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Development;
using WebhookFunctions.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Reference;

/// <summary>
/// The self-hosted server as `dotnet run` starts it (Development: the public development key, plain-http receivers on
/// this machine, the API reference page), on 127.0.0.1 port 0 and an Azurite of its own.
/// </summary>
internal sealed class DevelopmentServer : IAsyncDisposable
{
    public const string DevelopmentKey = "local-dev-key-change-me";

    private readonly AzuriteLauncher azurite;
    private readonly WebApplication app;

    private DevelopmentServer(AzuriteLauncher azurite, WebApplication app)
    {
        this.azurite = azurite;
        this.app = app;
        BaseAddress = new Uri(app.Urls.Single());
    }

    public Uri BaseAddress { get; }

    public static async Task<DevelopmentServer> StartAsync()
    {
        var azurite = await AzuriteLauncher.StartOnFreePortsAsync(NullLogger.Instance, CancellationToken.None);
        var app = SelfHostedServer.Build(["--environment", "Development"], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:NamePrefix"] = $"d{Guid.NewGuid():N}"[..16],
            ["Api:Keys:0"] = DevelopmentKey,
            ["Delivery:AllowHttpUrls"] = "true",
            ["Egress:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Egress:AllowedNetworks:1"] = "::1/128",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await app.StartAsync();
        return new DevelopmentServer(azurite, app);
    }

    public HttpClient CreateClient(bool withKey = true)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (withKey)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", DevelopmentKey);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        await azurite.DisposeAsync();
    }
}
