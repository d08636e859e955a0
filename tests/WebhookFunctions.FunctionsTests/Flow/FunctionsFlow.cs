using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebhookFunctions.FunctionsTests.Http;
using WebhookFunctions.FunctionsTests.Startup;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage;
using WebhookFunctions.Testing.ServiceBus;
using Xunit.Abstractions;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>
/// The whole Functions app in process: its real wiring over local.settings.sample.json, storage on Azurite, its
/// ServiceBusClient the in-memory broker's, the FanOut and Deliver functions fed from that broker, and webhooks sent
/// to a real Kestrel receiver on loopback.
/// </summary>
public sealed class FunctionsFlow : IAsyncLifetime
{
    /// <summary>Three attempts, the retries a second apart, so a dead letter comes within seconds.</summary>
    public static readonly IReadOnlyList<TimeSpan> RetrySchedule = [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)];

    private readonly AzuriteFixture? azurite;
    private readonly string? storageConnectionString;
    private IHost? app;

    /// <summary>The collection fixture: an Azurite of its own.</summary>
    public FunctionsFlow(IMessageSink diagnostics) => azurite = new AzuriteFixture(diagnostics);

    /// <summary>On storage the test owns (and may stop): it is neither started nor stopped here.</summary>
    internal FunctionsFlow(string storageConnectionString) => this.storageConnectionString = storageConnectionString;

    internal ServiceBusBroker Broker { get; } = WebhookTopology.CreateBroker(TimeProvider.System);

    internal HttpFunctionInvoker Http { get; private set; } = null!;

    internal ScriptedReceiver Receiver { get; private set; } = null!;

    internal TriggerPump Pump { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (azurite is not null)
        {
            await azurite.InitializeAsync();
        }

        Receiver = await ScriptedReceiver.StartAsync();

        var settings = new Dictionary<string, string?>
        {
            ["Storage__ConnectionString"] = storageConnectionString ?? azurite!.ConnectionString,
            ["Storage__NamePrefix"] = $"w{Guid.NewGuid():N}"[..12],
            ["Delivery__AllowHttpUrls"] = "true",
            ["Delivery__Jitter"] = "0",
            ["Delivery__AttemptTimeout"] = "00:00:02",
            ["Egress__AllowedNetworks__0"] = "127.0.0.0/8",
            ["EndpointHealth__FailureThreshold"] = "1000",
        };
        for (var i = 0; i < RetrySchedule.Count; i++)
        {
            settings[$"Delivery__RetrySchedule__{i}"] = RetrySchedule[i].ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

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

    internal async Task<(string Id, string Secret)> SubscribeAsync(string url, string eventType)
    {
        var created = await Http.SendAsync("POST", "/api/subscriptions", JsonSerializer.Serialize(new { url, eventTypes = new[] { eventType } }));
        Assert.True(created.StatusCode == 201, created.ToString());
        return (created.Json().GetProperty("id").GetString()!, created.Json().GetProperty("secret").GetString()!);
    }

    internal async Task<FunctionResponse> PublishAsync(string type, string dataJson, string? idempotencyKey = null)
    {
        var headers = idempotencyKey is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey };
        return await Http.SendAsync("POST", "/api/events", $$"""{"type":"{{type}}","data":{{dataJson}}}""", headers);
    }

    /// <summary>Until the fan-out subscription and the deliveries queue hold nothing, not even a locked or scheduled message.</summary>
    internal Task WaitUntilBrokerIsDrainedAsync() => Eventually.HoldsAsync(
        () => Broker.Peek(WebhookTopology.FanOutSubscription).Count == 0 && Broker.Peek(WebhookTopology.Deliveries).Count == 0,
        "the broker has no message left to hand to the functions");

    /// <summary>Polls the event's delivery log (the ListEventDeliveries function) until <paramref name="done"/> holds.</summary>
    internal async Task<IReadOnlyList<JsonElement>> WaitForAttemptsAsync(string eventId, Func<IReadOnlyList<JsonElement>, bool> done)
    {
        IReadOnlyList<JsonElement> attempts = [];
        await Eventually.HoldsAsync(
            async () =>
            {
                var page = await Http.SendAsync("GET", $"/api/events/{eventId}/deliveries");
                Assert.True(page.StatusCode == 200, page.ToString());
                attempts = page.Json().GetProperty("items").EnumerateArray().ToList();
                return done(attempts);
            },
            $"the delivery log of {eventId} meets the condition (pump failures: {string.Join(" | ", Pump.Failures.Select(f => f.Message))})");
        return attempts;
    }
}

[CollectionDefinition(Name)]
public sealed class FunctionsFlowCollection : ICollectionFixture<FunctionsFlow>
{
    public const string Name = "Functions flow on the broker double";
}
