using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.ServiceBus.Messages;
using WebhookFunctions.ServiceBusTests.Doubles;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Tenants;

/// <summary>
/// Tenant isolation on the Functions host's wiring (the engine with the Service Bus transport, over the broker double):
/// a tenant's notice becomes delivery messages for that tenant's subscriptions only, each carrying the tenant.
/// </summary>
public sealed class TenantFanOutOverServiceBusTests : IAsyncDisposable
{
    private static readonly Uri Url = new("http://127.0.0.1:9/hook");
    private readonly TransportHarness harness = new();
    private readonly EngineOverBroker engine;

    public TenantFanOutOverServiceBusTests() => engine = new EngineOverBroker(harness);

    [Fact]
    public async Task A_tenants_notice_reaches_only_that_tenants_subscriptions()
    {
        await SubscribeAsync("sub_t1_exact", "t1", "order.created");
        await SubscribeAsync("sub_t1_all", "t1", "*");
        await SubscribeAsync("sub_t2", "t2", "order.*");
        await SubscribeAsync("sub_none", null, "*");
        await new ServiceBusEventQueue(harness.Client).SendAsync(new EventNotice("evt_1", "order.created", null, "t1"), CancellationToken.None);

        await engine.FanOut.HandleAsync(harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!, harness.Settler, CancellationToken.None);

        var deliveries = harness.Broker.Peek(WebhookTopology.Deliveries);
        Assert.Equal(["evt_1:sub_t1_all:1", "evt_1:sub_t1_exact:1"], deliveries.Select(m => m.MessageId).Order(StringComparer.Ordinal));
        Assert.All(deliveries, m => Assert.Equal("t1", m.ApplicationProperties[ServiceBusPropertyNames.TenantId]));
    }

    [Fact]
    public async Task A_notice_without_a_tenant_reaches_only_subscriptions_without_one()
    {
        await SubscribeAsync("sub_t1", "t1", "*");
        await SubscribeAsync("sub_none", null, "order.*");
        await new ServiceBusEventQueue(harness.Client).SendAsync(new EventNotice("evt_2", "order.created", null), CancellationToken.None);

        await engine.FanOut.HandleAsync(harness.Broker.ReceiveNext(WebhookTopology.FanOutSubscription)!, harness.Settler, CancellationToken.None);

        Assert.Equal("evt_2:sub_none:1", Assert.Single(harness.Broker.Peek(WebhookTopology.Deliveries)).MessageId);
    }

    public async ValueTask DisposeAsync()
    {
        await engine.DisposeAsync();
        await harness.DisposeAsync();
    }

    private Task<Subscription> SubscribeAsync(string id, string? tenantId, string pattern) =>
        engine.Subscriptions.AddAsync(
            new Subscription
            {
                Id = id,
                TenantId = tenantId,
                Url = Url,
                EventTypes = [pattern],
                Secrets = [new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)],
                CreatedAt = TransportHarness.Start,
                UpdatedAt = TransportHarness.Start,
            },
            CancellationToken.None);
}
