using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.SelfHosted;
using WebhookFunctions.Development;

namespace WebhookFunctions.EndToEndTests.Hosting;

/// <summary>
/// The real self-hosted server, in-process on a free port, against an Azurite of its own on free ports, with a
/// unique storage name prefix and a non-Development environment (API keys enforced).
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    public const string ApiKey = "end-to-end-test-key-of-at-least-32-characters";

    private readonly AzuriteLauncher? azurite;
    private readonly WebApplication app;

    private RunningServer(AzuriteLauncher? azurite, WebApplication app, string storageConnectionString, string storageNamePrefix)
    {
        this.azurite = azurite;
        this.app = app;
        StorageConnectionString = storageConnectionString;
        StorageNamePrefix = storageNamePrefix;
        var baseAddress = new Uri(app.Urls.Single());
        Client = ApiClient.Create(baseAddress, ApiKey);
        Anonymous = new HttpClient { BaseAddress = baseAddress };
    }

    /// <summary>Sends the API key on every request.</summary>
    public HttpClient Client { get; }

    /// <summary>Sends no key.</summary>
    public HttpClient Anonymous { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>The server's own Azurite account, for tests that read the stores directly.</summary>
    public string StorageConnectionString { get; }

    /// <summary>The prefix of every table, queue and container the server uses.</summary>
    public string StorageNamePrefix { get; }

    /// <param name="settings">Configuration over the defaults below.</param>
    /// <param name="configure">Runs on the builder after the configuration is added (e.g. to add a logging provider).</param>
    public static async Task<RunningServer> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var azurite = await AzuriteLauncher.StartOnFreePortsAsync(NullLogger.Instance, CancellationToken.None);
        return await StartAsync(settings, azurite.ConnectionString, azurite, configure);
    }

    /// <summary>
    /// A server on storage that outlives it (e.g. to start a second server where the first stopped): pass the same
    /// Storage:NamePrefix in <paramref name="settings"/>; the Azurite behind <paramref name="storageConnectionString"/> is left running.
    /// </summary>
    public static Task<RunningServer> StartOnStorageAsync(
        IReadOnlyDictionary<string, string?> settings, string storageConnectionString, Action<WebApplicationBuilder>? configure = null) =>
        StartAsync(settings, storageConnectionString, ownAzurite: null, configure);

    private static async Task<RunningServer> StartAsync(
        IReadOnlyDictionary<string, string?> settings, string storageConnectionString, AzuriteLauncher? ownAzurite, Action<WebApplicationBuilder>? configure)
    {
        var all = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Storage:ConnectionString"] = storageConnectionString,
            ["Storage:NamePrefix"] = $"e{Guid.NewGuid():N}"[..16],
            ["Api:Keys:0"] = ApiKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var app = SelfHostedServer.Build(["--environment", "EndToEnd"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(all);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new RunningServer(ownAzurite, app, storageConnectionString, all["Storage:NamePrefix"] ?? "");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }
}
