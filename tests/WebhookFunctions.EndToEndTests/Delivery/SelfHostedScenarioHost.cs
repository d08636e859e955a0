using WebhookFunctions.EndToEndTests.Hosting;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.Scenarios;
using WebhookFunctions.Testing.Waiting;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Delivery;

/// <summary>The real self-hosted server in process, over real HTTP, on an Azurite of its own, with the scenario settings.</summary>
public sealed class SelfHostedScenarioHost : IWebhookHost, IAsyncLifetime
{
    private RunningServer server = null!;

    public WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        server = await RunningServer.StartAsync(ScenarioSettings.AsConfiguration());
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    public Task<ContractResponse> SendAsync(ContractRequest request) => HttpWebhookHost.SendAsync(server.Client, request);

    /// <summary>
    /// Until the server's queues hold no message at all: their count includes messages in flight and retries not yet
    /// visible, and a message leaves its queue only once handled. The Azurite account is this server's alone.
    /// </summary>
    public Task WaitUntilIdleAsync() => Eventually.HoldsAsync(
        async () => await StorageSnapshot.QueuedMessagesAsync(server.StorageConnectionString) == 0,
        "the self-hosted server's queues are empty");
}

[CollectionDefinition(Name)]
public sealed class SelfHostedScenarioCollection : ICollectionFixture<SelfHostedScenarioHost>
{
    public const string Name = "Delivery scenarios, self-hosted";
}
