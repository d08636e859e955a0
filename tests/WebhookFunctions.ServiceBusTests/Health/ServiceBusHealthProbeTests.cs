using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.Health;
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

        var empty = await Record.ExceptionAsync(() => probe.CheckAsync(CancellationToken.None));
        harness.Broker.Send(WebhookTopology.Deliveries, new ServiceBusMessage("{}"));
        var holding = await Record.ExceptionAsync(() => probe.CheckAsync(CancellationToken.None));

        Assert.Equal("serviceBus", probe.Name);
        Assert.Null(empty);
        Assert.Null(holding);
    }

    [Fact]
    public async Task An_identity_without_rights_is_reported_as_unauthorized()
    {
        await using var harness = new TransportHarness();
        var probe = new ServiceBusHealthProbe(harness.Client);

        using var outage = harness.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.All, () => new UnauthorizedAccessException("The identity may not read 'deliveries'."));

        var failure = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => probe.CheckAsync(CancellationToken.None));
        Assert.Equal(HealthReasons.Unauthorized, probe.ReasonFor(failure));
    }

    [Fact]
    public async Task A_broker_timeout_is_reported_as_a_timeout()
    {
        await using var harness = new TransportHarness();
        var probe = new ServiceBusHealthProbe(harness.Client);

        using var outage = harness.Broker.Fail(WebhookTopology.Deliveries, BrokerOperations.All, () => new ServiceBusException("timed out", ServiceBusFailureReason.ServiceTimeout));

        var failure = await Assert.ThrowsAsync<ServiceBusException>(() => probe.CheckAsync(CancellationToken.None));
        Assert.Equal(HealthReasons.Timeout, probe.ReasonFor(failure));
        Assert.Equal(HealthReasons.Unavailable, probe.ReasonFor(new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy)));
    }

    [Fact]
    public async Task A_missing_queue_is_reported()
    {
        var broker = new ServiceBusBroker(new FakeTimeProvider());
        await using var client = broker.CreateClient();

        var probe = new ServiceBusHealthProbe(client);

        var failure = await Assert.ThrowsAsync<ServiceBusException>(() => probe.CheckAsync(CancellationToken.None));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, failure.Reason);
        Assert.Equal(HealthReasons.NotFound, probe.ReasonFor(failure));
    }

    [Fact]
    public async Task Cancellation_is_not_mistaken_for_ill_health()
    {
        await using var harness = new TransportHarness();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ServiceBusHealthProbe(harness.Client).CheckAsync(new CancellationToken(canceled: true)));
    }
}
