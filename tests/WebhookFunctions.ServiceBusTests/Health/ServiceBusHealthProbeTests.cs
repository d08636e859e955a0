using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.ServiceBusTests.Doubles;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Health;

public sealed class ServiceBusHealthProbeTests
{
    [Fact]
    public async Task A_reachable_deliveries_queue_is_healthy_whether_or_not_it_holds_messages()
    {
        await using var harness = new TransportHarness();
        var probe = new ServiceBusHealthProbe(harness.Client);

        var empty = await probe.CheckAsync(CancellationToken.None);
        harness.Broker.Send(WebhookTopology.Deliveries, new ServiceBusMessage("{}"));
        var holding = await probe.CheckAsync(CancellationToken.None);

        Assert.Equal("serviceBus", probe.Name);
        Assert.Null(empty);
        Assert.Null(holding);
    }

    [Fact]
    public async Task A_failing_namespace_is_reported_with_the_error()
    {
        await using var harness = new TransportHarness();
        var probe = new ServiceBusHealthProbe(harness.Client);

        using var outage = harness.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.All, () => new UnauthorizedAccessException("The identity may not read 'deliveries'."));

        Assert.Equal("UnauthorizedAccessException: The identity may not read 'deliveries'.", await probe.CheckAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_queue_is_reported()
    {
        var broker = new ServiceBusBroker(new FakeTimeProvider());
        await using var client = broker.CreateClient();

        var problem = await new ServiceBusHealthProbe(client).CheckAsync(CancellationToken.None);

        Assert.StartsWith("ServiceBusException: The messaging entity", problem, StringComparison.Ordinal);
        Assert.Contains("deliveries", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_is_not_mistaken_for_ill_health()
    {
        await using var harness = new TransportHarness();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ServiceBusHealthProbe(harness.Client).CheckAsync(new CancellationToken(canceled: true)));
    }
}
