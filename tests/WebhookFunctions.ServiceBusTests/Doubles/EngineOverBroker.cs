using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebhookFunctions.Engine;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.ServiceBus.Handlers;
using WebhookFunctions.Testing.Engine;

namespace WebhookFunctions.ServiceBusTests.Doubles;

/// <summary>
/// The engine wired as the Functions app wires it (AddWebhookEngine, AddServiceBusTransport, one subscription per
/// delivery message), with in-memory stores and the broker's client in place of the namespace's.
/// </summary>
internal sealed class EngineOverBroker : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    /// <param name="faultBackoff">The fault backoff in place of the engine's default (a smaller budget, say).</param>
    public EngineOverBroker(TransportHarness harness, FaultBackoff? faultBackoff = null)
    {
        FailingEvents = new FailingEventStore(Events);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Delivery:AllowHttpUrls"] = "true",
                ["Delivery:Jitter"] = "0",
                ["Delivery:SubscriptionCacheDuration"] = "00:00:00",
                ["Egress:AllowedNetworks:0"] = "127.0.0.0/8",
                ["ServiceBusConnection:fullyQualifiedNamespace"] = harness.Broker.FullyQualifiedNamespace,
            })
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(harness.Clock)
            .AddKeyedSingleton<ISubscriptionStore>(CachingSubscriptionStore.InnerKey, Subscriptions)
            .AddSingleton<IEventStore>(FailingEvents)
            .AddSingleton<IDeliveryLog>(Log)
            .AddSingleton<IIdempotencyStore>(new InMemoryIdempotencyStore())
            .AddWebhookEngine(configuration)
            .AddServiceBusTransport(configuration)
            .AddSingleton(harness.Client);
        services.PostConfigure<DeliveryOptions>(options => options.FanOutBatchSize = 1);
        if (faultBackoff is not null)
        {
            services.AddSingleton(faultBackoff);
        }

        provider = services.BuildServiceProvider();
    }

    public InMemorySubscriptionStore Subscriptions { get; } = new();

    public InMemoryEventStore Events { get; } = new();

    /// <summary>What the engine reads events through: set its FailWith to fail every read.</summary>
    public FailingEventStore FailingEvents { get; }

    public InMemoryDeliveryLog Log { get; } = new();

    public FanOutMessageHandler FanOut => provider.GetRequiredService<FanOutMessageHandler>();

    public DeliveryMessageHandler Deliver => provider.GetRequiredService<DeliveryMessageHandler>();

    public async Task<Subscription> SubscribeAsync(string id, Uri url, SubscriptionStatus status = SubscriptionStatus.Enabled, params string[] eventTypes) =>
        await Subscriptions.AddAsync(
            new Subscription
            {
                Id = id,
                Url = url,
                EventTypes = eventTypes is [] ? ["order.created"] : eventTypes,
                Status = status,
                DisabledReason = status == SubscriptionStatus.Disabled ? DisabledReason.Manual : null,
                Secrets = [new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)],
                CreatedAt = TransportHarness.Start,
                UpdatedAt = TransportHarness.Start,
            },
            CancellationToken.None);

    public async Task<WebhookEvent> StoreEventAsync(string id, string type = "order.created")
    {
        var webhookEvent = new WebhookEvent(id, type, TransportHarness.Start, null, null, "{\"n\":1}"u8.ToArray(), null);
        await Events.TryAddAsync(webhookEvent, CancellationToken.None);
        return webhookEvent;
    }

    public ValueTask DisposeAsync() => provider.DisposeAsync();
}
