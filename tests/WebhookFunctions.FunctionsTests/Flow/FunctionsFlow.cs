using System.Globalization;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebhookFunctions.FunctionsTests.Http;
using WebhookFunctions.FunctionsTests.Startup;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.Scenarios;
using WebhookFunctions.Testing.ServiceBus;
using WebhookFunctions.Testing.Waiting;
using Xunit.Abstractions;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>
/// The whole Functions app in process: its real wiring over local.settings.sample.json and the scenario settings,
/// storage on Azurite, its ServiceBusClient the in-memory broker's, the FanOut and Deliver functions fed from that
/// broker, its HTTP functions invoked with real requests, and webhooks sent to a real Kestrel receiver on loopback.
/// </summary>
public sealed class FunctionsFlow : IWebhookHost, IAsyncLifetime
{
    private readonly AzuriteFixture? azurite;
    private readonly string? storageConnectionString;
    private IHost? app;

    /// <summary>The collection fixture: an Azurite of its own.</summary>
    public FunctionsFlow(IMessageSink diagnostics) => azurite = new AzuriteFixture(diagnostics);

    /// <summary>On storage the test owns (and may stop): it is neither started nor stopped here.</summary>
    internal FunctionsFlow(string storageConnectionString) => this.storageConnectionString = storageConnectionString;

    public WebhookReceiver Receiver { get; private set; } = null!;

    internal ServiceBusBroker Broker { get; } = WebhookTopology.CreateBroker(TimeProvider.System);

    internal HttpFunctionInvoker Http { get; private set; } = null!;

    internal TriggerPump Pump { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (azurite is not null)
        {
            await azurite.InitializeAsync();
        }

        Receiver = await WebhookReceiver.StartAsync();

        var settings = ScenarioSettings.AppSettings.ToDictionary(setting => setting.Key, setting => (string?)setting.Value);
        settings["Storage__ConnectionString"] = storageConnectionString ?? azurite!.ConnectionString;
        settings["Storage__NamePrefix"] = $"w{Guid.NewGuid():N}"[..12];

        var broker = Broker;
        app = AppSettings.BuildApp(
            AppSettings.LocalSettingsSample().With(settings),
            services => services.AddSingleton<ServiceBusClient>(_ => broker.CreateClient()));

        await app.Services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(CancellationToken.None);
        Http = new HttpFunctionInvoker(app.Services);
        Pump = new TriggerPump(app.Services, Broker);
        Pump.Start();
    }

    public async Task DisposeAsync()
    {
        if (Pump is not null)
        {
            await Pump.DisposeAsync();
        }

        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }

        app?.Dispose();
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }

    public async Task<ContractResponse> SendAsync(ContractRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = new Dictionary<string, string>(request.HeadersOrNone, StringComparer.OrdinalIgnoreCase) { ["content-type"] = request.ContentType };
        var response = await Http.SendAsync(request.Method.Method, request.Path, request.Json, headers);
        return new ContractResponse(
            response.StatusCode,
            response.Headers.ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value.ToString(), StringComparer.Ordinal),
            response.Body);
    }

    /// <summary>Until the fan-out subscription and the deliveries queue hold nothing, not even a locked or scheduled message.</summary>
    public Task WaitUntilIdleAsync() => Eventually.HoldsAsync(
        () => Broker.Peek(WebhookTopology.FanOutSubscription).Count == 0 && Broker.Peek(WebhookTopology.Deliveries).Count == 0,
        string.Create(CultureInfo.InvariantCulture, $"the broker has no message left to hand to the functions (failures so far: {Pump.Failures.Count})"));
}

[CollectionDefinition(Name)]
public sealed class FunctionsFlowCollection : ICollectionFixture<FunctionsFlow>
{
    public const string Name = "Functions flow on the broker double";
}
