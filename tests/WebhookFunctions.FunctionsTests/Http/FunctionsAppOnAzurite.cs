using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebhookFunctions.FunctionsTests.Startup;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage;
using Xunit.Abstractions;

namespace WebhookFunctions.FunctionsTests.Http;

/// <summary>
/// The app built by its real wiring with local.settings.sample.json, its storage pointed at an Azurite of its own
/// (under a fresh name prefix), and its Service Bus connection at a loopback port that refuses connections: no broker
/// runs here, and this one is certain not to be a developer's emulator.
/// </summary>
public sealed class FunctionsAppOnAzurite(IMessageSink diagnostics) : IAsyncLifetime
{
    private readonly AzuriteFixture azurite = new(diagnostics);
    private readonly Socket refusingPort = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private IHost? app;

    internal HttpFunctionInvoker Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await azurite.InitializeAsync();
        // Bound and never listening: every connection to it is refused, for as long as this fixture lives.
        refusingPort.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)refusingPort.LocalEndPoint!).Port;

        app = AppSettings.BuildApp(AppSettings.LocalSettingsSample().With(new Dictionary<string, string?>
        {
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            ["Storage__NamePrefix"] = $"f{Guid.NewGuid():N}"[..12],
            ["ServiceBusConnection"] = $"Endpoint=sb://127.0.0.1:{port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
        }));

        // The app's own start-up work (its tables and container) without starting the worker, which would look for
        // the Functions host.
        await app.Services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(CancellationToken.None);

        Http = new HttpFunctionInvoker(app.Services);
    }

    public async Task DisposeAsync()
    {
        app?.Dispose();
        refusingPort.Dispose();
        await azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class FunctionsAppOnAzuriteCollection : ICollectionFixture<FunctionsAppOnAzurite>
{
    public const string Name = "Functions app on Azurite";
}
