using WebhookFunctions.EndToEndTests.Hosting;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.Scenarios;
using WebhookFunctions.Testing.Waiting;

namespace WebhookFunctions.EndToEndTests.Delivery;

/// <summary>
/// A host the tests do not start, named by <see cref="ExternalServer.BaseUrlVariable"/> (e.g. the Functions app under
/// `func start` at http://localhost:7071) with its key in <see cref="ExternalServer.ApiKeyVariable"/>. It must run with
/// the scenario settings and reach this machine's loopback receivers. Without the variable nothing is started and the
/// scenarios are skipped.
/// </summary>
public sealed class ExternalScenarioHost : IWebhookHost, IAsyncLifetime
{
    /// <summary>
    /// What rules out a late duplicate on a host whose queues the tests cannot see: a duplicate would be a second
    /// message handled like the first, within a second of it; 5 s leaves room for a slow runner.
    /// </summary>
    private static readonly TimeSpan QuietAfterDelivery = TimeSpan.FromSeconds(5);

    private HttpClient? client;

    public WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        client = ExternalServer.ClientFromEnvironment();
        if (client is not null)
        {
            Receiver = await WebhookReceiver.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (client is not null)
        {
            client.Dispose();
            await Receiver.DisposeAsync();
        }
    }

    public Task<ContractResponse> SendAsync(ContractRequest request) =>
        HttpWebhookHost.SendAsync(client ?? throw new InvalidOperationException($"{ExternalServer.BaseUrlVariable} is not set."), request);

    /// <summary>The requests the receiver has had stay as many for <see cref="QuietAfterDelivery"/>.</summary>
    public Task WaitUntilIdleAsync()
    {
        var seen = Receiver.Count;
        return QuietPeriod.HoldsAsync(QuietAfterDelivery, () => Receiver.Count == seen, $"the receiver's {seen} request(s) stay {seen}");
    }
}

[CollectionDefinition(Name)]
public sealed class ExternalScenarioCollection : ICollectionFixture<ExternalScenarioHost>
{
    public const string Name = "Delivery scenarios, external host";
}
