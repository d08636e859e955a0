using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Development;
using WebhookFunctions.SelfHosted;

namespace WebhookFunctions.Testing.SelfHosted;

/// <summary>
/// The real self-hosted server, in this process on port 0, with the settings of <see cref="ServerSettings.Compose"/>
/// and a non-Development environment (API keys enforced): on an Azurite of its own, or on storage that outlives it.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    public const string ApiKey = ServerSettings.ApiKey;

    private readonly AzuriteLauncher? azurite;
    private readonly WebApplication app;

    private RunningServer(AzuriteLauncher? azurite, WebApplication app, string storageConnectionString, string storageNamePrefix)
    {
        this.azurite = azurite;
        this.app = app;
        StorageConnectionString = storageConnectionString;
        StorageNamePrefix = storageNamePrefix;
        BaseAddress = new Uri(app.Urls.Single());
        Client = ApiClient.Create(BaseAddress, ApiKey);
        Anonymous = new HttpClient { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    /// <summary>Sends the API key on every request.</summary>
    public HttpClient Client { get; }

    /// <summary>Sends no key.</summary>
    public HttpClient Anonymous { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>The server's storage account, for tests that read the stores directly.</summary>
    public string StorageConnectionString { get; }

    /// <summary>The prefix of every table, queue and container the server uses.</summary>
    public string StorageNamePrefix { get; }

    /// <param name="settings">Configuration over the defaults of <see cref="ServerSettings.Compose"/>.</param>
    /// <param name="configure">Runs on the builder after the configuration is added (e.g. to add a logging provider).</param>
    public static async Task<RunningServer> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var azurite = await AzuriteLauncher.StartOnFreePortsAsync(NullLogger.Instance, CancellationToken.None);
        return await StartAsync(settings, azurite.ConnectionString, azurite, configure);
    }

    /// <summary>
    /// A server on storage that outlives it (e.g. to start a second server where the first stopped, or tables seeded
    /// beforehand): pass the same Storage:NamePrefix in <paramref name="settings"/>; the Azurite behind
    /// <paramref name="storageConnectionString"/> is left running.
    /// </summary>
    public static Task<RunningServer> StartOnStorageAsync(
        IReadOnlyDictionary<string, string?> settings, string storageConnectionString, Action<WebApplicationBuilder>? configure = null) =>
        StartAsync(settings, storageConnectionString, ownAzurite: null, configure);

    /// <summary>Creates a subscription through the API, with a payload filter or a tenant when given; returns its id.</summary>
    public async Task<string> SubscribeAsync(Uri url, string eventType, string? filterJson = null, string? tenantId = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var request = new StringContent(
            $$"""{"url":{{JsonSerializer.Serialize(url.ToString())}},"eventTypes":[{{JsonSerializer.Serialize(eventType)}}],"filter":{{filterJson ?? "null"}},"tenantId":{{JsonSerializer.Serialize(tenantId)}}}""",
            Encoding.UTF8,
            "application/json");
        using var response = await Client.PostAsync(new Uri("/api/subscriptions", UriKind.Relative), request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating a subscription failed with {(int)response.StatusCode}: {body}");
        }

        using var created = JsonDocument.Parse(body);
        return created.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Publishes an event with a client-chosen id (the webhook-id receivers see); throws unless 202.</summary>
    public async Task PublishAsync(string id, string eventType, string dataJson, string? subject = null, string? tenantId = null)
    {
        var subjectField = subject is null ? "" : $",\"subject\":{JsonSerializer.Serialize(subject)}";
        var tenantField = tenantId is null ? "" : $",\"tenantId\":{JsonSerializer.Serialize(tenantId)}";
        using var content = new StringContent($$"""{"id":"{{id}}","type":"{{eventType}}","data":{{dataJson}}{{subjectField}}{{tenantField}}}""", Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri("/api/events", UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Publishing failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
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

    private static async Task<RunningServer> StartAsync(
        IReadOnlyDictionary<string, string?> settings, string storageConnectionString, AzuriteLauncher? ownAzurite, Action<WebApplicationBuilder>? configure)
    {
        var all = ServerSettings.Compose(storageConnectionString, new Dictionary<string, string?> { ["Urls"] = "http://127.0.0.1:0" }, settings);
        var app = SelfHostedServer.Build(["--environment", "Test"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(all);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new RunningServer(ownAzurite, app, storageConnectionString, all["Storage:NamePrefix"] ?? "");
    }
}
