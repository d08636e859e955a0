using Microsoft.Extensions.Logging;
using WebhookFunctions.EndToEndTests.Hosting;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Secrets;

/// <summary>The server logging everything (Trace and up) into memory, and a receiver on 127.0.0.1 it may deliver to.</summary>
public sealed class SecretHygieneFixture : IAsyncLifetime
{
    private RunningServer? server;

    public HttpClient Client => server!.Client;

    public WebhookReceiver Receiver { get; private set; } = null!;

    public CapturingLoggerProvider Logs { get; } = new();

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        server = await RunningServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Trace",
                ["Delivery:AllowHttpUrls"] = "true",
                ["Egress:AllowedNetworks:0"] = "127.0.0.0/8",
                ["Workers:MaxPollDelay"] = "00:00:00.200",
            },
            builder => builder.Logging.AddProvider(Logs));
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        await Receiver.DisposeAsync();
    }
}
