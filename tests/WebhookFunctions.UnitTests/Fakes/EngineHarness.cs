using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Delivery.EndpointHealth;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.FanOut;
using WebhookFunctions.Engine.OperationalEvents;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Subscriptions.Verification;
using WebhookFunctions.Testing.Engine;

namespace WebhookFunctions.UnitTests.Fakes;

/// <summary>The engine's services over in-memory ports, a scripted receiver and a fake clock.</summary>
internal sealed class EngineHarness : IDisposable
{
    public EngineHarness(Action<DeliveryOptions>? configure = null, Action<EndpointHealthOptions>? configureHealth = null, Action<OperationalEventOptions>? configureOperational = null)
    {
        var healthOptions = new EndpointHealthOptions();
        configureHealth?.Invoke(healthOptions);
        HealthOptions = Microsoft.Extensions.Options.Options.Create(healthOptions);
        EndpointHealth = new EndpointHealthTracker(HealthOptions, Clock);
        var deliveryOptions = new DeliveryOptions { AllowHttpUrls = true, SubscriptionCacheDuration = TimeSpan.Zero };
        configure?.Invoke(deliveryOptions);
        Options = Microsoft.Extensions.Options.Options.Create(deliveryOptions);
        Directory = new CachingSubscriptionStore(Subscriptions, Options, Clock);
        var sender = new WebhookSender(new SingleHandlerFactory(Receiver), Options, Clock);
        Recipients = new RecipientFinder(Directory, NullLogger<RecipientFinder>.Instance);
        Publish = new PublishService(Events, new InMemoryIdempotencyStore(), Transport, DirectRoute(), Options, Clock, NullLogger<PublishService>.Instance);
        FanOut = new FanOutService(Recipients, Events, Transport, Options, NullLogger<FanOutService>.Instance);
        var operationalOptions = new OperationalEventOptions();
        configureOperational?.Invoke(operationalOptions);
        OperationalEvents = new OperationalEventPublisher(Publish, Microsoft.Extensions.Options.Options.Create(operationalOptions), Clock, NullLogger<OperationalEventPublisher>.Instance);
        Processor = new DeliveryProcessor(Events, Directory, sender, EndpointHealth, Transport, Log, OperationalEvents, Options, HealthOptions, Clock, NullLogger<DeliveryProcessor>.Instance);
        Verifier = new EndpointVerifier(sender, Events, Log, Clock, NullLogger<EndpointVerifier>.Instance);
        SubscriptionService = new SubscriptionService(Directory, Log, Events, Transport, Verifier, Options, Microsoft.Extensions.Options.Options.Create(VerificationOptions), Clock, NullLogger<SubscriptionService>.Instance);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));

    public RecipientFinder Recipients { get; }

    public IOptions<DeliveryOptions> Options { get; }

    public IOptions<EndpointHealthOptions> HealthOptions { get; }

    public EndpointHealthTracker EndpointHealth { get; }

    public InMemorySubscriptionStore Subscriptions { get; } = new();

    public InMemoryEventStore Events { get; } = new();

    public InMemoryDeliveryLog Log { get; } = new();

    public RecordingTransport Transport { get; } = new();

    public ScriptedReceiver Receiver { get; } = new();

    public CachingSubscriptionStore Directory { get; }

    public PublishService Publish { get; }

    public FanOutService FanOut { get; }

    public OperationalEventPublisher OperationalEvents { get; }

    public EndpointVerifier Verifier { get; }

    /// <summary>Read when a subscription is created: set <c>Required</c> before creating one to make the handshake mandatory.</summary>
    public EndpointVerificationOptions VerificationOptions { get; } = new();

    public DeliveryProcessor Processor { get; }

    public SubscriptionService SubscriptionService { get; }

    public async Task<Subscription> SubscribeAsync(string host, params string[] eventTypes)
    {
        var created = await SubscriptionService.CreateAsync(new SubscriptionInput($"http://{host}/hook", eventTypes), CancellationToken.None);
        Assert.True(created.Succeeded, created.Error?.Detail);
        return created.Value!.Subscription;
    }

    public async Task<WebhookEvent> StoreEventAsync(string type = "order.created")
    {
        var webhookEvent = new WebhookEvent($"evt_{Guid.NewGuid():N}", type, Clock.GetUtcNow(), null, null, "{\"n\":1}"u8.ToArray(), null);
        await Events.TryAddAsync(webhookEvent, CancellationToken.None);
        return webhookEvent;
    }

    /// <summary>Publish's direct path over <paramref name="transport"/>; without one, publish takes the fan-out path.</summary>
    public DirectDeliveryRoute DirectRoute(IDirectDelivery? transport = null, IEventStore? events = null) =>
        new(Recipients, events ?? Events, Options, Microsoft.Extensions.Options.Options.Create(new PublishOptions()), Clock, NullLogger<DirectDeliveryRoute>.Instance, transport);

    public Task ProcessAsync(DeliveryJob job) => Processor.ProcessAsync(job, Transport, CancellationToken.None);

    public void Dispose()
    {
        EndpointHealth.Dispose();
        Receiver.Dispose();
    }
}
