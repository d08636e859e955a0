using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookFunctions.SelfHosted;
using WebhookFunctions.Storage;

namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>
/// The real self-hosted server, in this process on a free port, over the benchmark's Azurite, with its storage
/// requests counted. Production defaults everywhere except what lets it deliver to 127.0.0.1 and quieter logs.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    public const string ApiKey = "benchmark-key-of-at-least-32-characters";
    private readonly WebApplication app;

    private BenchServer(WebApplication app)
    {
        this.app = app;
        Client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, ActivityHeadersPropagator = null }) { BaseAddress = new Uri(app.Urls.Single()) };
        Client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
        Client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public HttpClient Client { get; }

    /// <param name="namePrefix">The storage name prefix to run on (e.g. tables seeded beforehand); a fresh one when null.</param>
    /// <param name="overrides">Settings a section tunes on top of the production defaults.</param>
    public static async Task<BenchServer> StartAsync(
        string storageConnectionString, StorageOperationCounter counter, string? namePrefix = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Storage:ConnectionString"] = storageConnectionString,
            ["Storage:NamePrefix"] = namePrefix ?? $"b{Guid.NewGuid():N}"[..12],
            ["Api:Keys:0"] = ApiKey,
            ["Delivery:AllowHttpUrls"] = "true",
            ["Egress:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = SelfHostedServer.Build(["--environment", "Benchmark"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddSingleton(new StoragePipelinePolicy(counter));
        });
        await app.StartAsync();
        return new BenchServer(app);
    }

    /// <summary>Creates a subscription through the API, with a payload filter or a tenant when given; returns its id.</summary>
    public async Task<string> SubscribeAsync(Uri url, string eventType, string? filterJson = null, string? tenantId = null)
    {
        using var request = new StringContent(
            $$"""{"url":{{JsonSerializer.Serialize(url.ToString())}},"eventTypes":[{{JsonSerializer.Serialize(eventType)}}],"filter":{{filterJson ?? "null"}},"tenantId":{{JsonSerializer.Serialize(tenantId)}}}""",
            System.Text.Encoding.UTF8,
            "application/json");
        using var response = await Client.PostAsync("/api/subscriptions", request);
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
        using var content = new StringContent($$"""{"id":"{{id}}","type":"{{eventType}}","data":{{dataJson}}{{subjectField}}{{tenantField}}}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync("/api/events", content);
        if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Publishing failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
