using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Engine;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Testing.Engine;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>
/// (2) The engine alone: DeliveryProcessor (load event → load subscription → admit → sign → POST → classify → log →
/// settle) with in-memory ports, one subscription per job, against the same receiver at the same concurrency.
/// </summary>
internal static class EngineOnlySection
{
    public const string Name = "2 Engine only";
    public const string Metric = "deliveries (in-memory ports)";
    private const int Subscriptions = 64;
    private const int Events = 256;

    public static async Task RunAsync(BenchSettings settings, LoopbackReceiver receiver, ResultTable table)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:AllowHttpUrls"] = "true",
            ["Egress:AllowedNetworks:0"] = "127.0.0.0/8",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddWebhookEngine(configuration)
            .AddSingleton<IEventStore, InMemoryEventStore>()
            .AddKeyedSingleton<ISubscriptionStore, InMemorySubscriptionStore>(CachingSubscriptionStore.InnerKey)
            .AddSingleton<CountingDeliveryQueue>()
            .AddSingleton<IDeliveryQueue>(sp => sp.GetRequiredService<CountingDeliveryQueue>())
            .AddSingleton<CountingDeliveryLog>()
            .AddSingleton<IDeliveryLog>(sp => sp.GetRequiredService<CountingDeliveryLog>());
        await using var provider = services.BuildServiceProvider();

        var subscriptionIds = await AddSubscriptionsAsync(provider, receiver);
        var events = await AddEventsAsync(provider.GetRequiredService<IEventStore>());
        var processor = provider.GetRequiredService<DeliveryProcessor>();
        var log = provider.GetRequiredService<CountingDeliveryLog>();
        var queue = provider.GetRequiredService<CountingDeliveryQueue>();

        long next = 0;
        var perSecond = await LoadDrivers.ClosedLoopAsync(settings.Concurrency, settings.HttpDuration, ct =>
        {
            var n = Interlocked.Increment(ref next);
            var job = new DeliveryJob(events[(int)(n % Events)], "bench.engine", [subscriptionIds[(int)(n % Subscriptions)]], Attempt: 1, TraceParent: null);
            return processor.ProcessAsync(job, NoSettlement.Instance, ct);
        });

        var physical = table.Find(PhysicalLimitSection.Name, PhysicalLimitSection.Metric);
        table.Add(Name, Metric, perSecond, "deliveries/s", $"concurrency {settings.Concurrency}; not delivered: {log.Other} logged, {queue.Scheduled} re-queued");
        if (physical is { } limit)
        {
            table.Add(Name, "ratio to (1)", perSecond / limit, "", "target ≥ 0.60");
        }
    }

    private static async Task<string[]> AddSubscriptionsAsync(IServiceProvider provider, LoopbackReceiver receiver)
    {
        var service = provider.GetRequiredService<SubscriptionService>();
        var ids = new string[Subscriptions];
        for (var i = 0; i < Subscriptions; i++)
        {
            var created = await service.CreateAsync(new SubscriptionInput(new Uri(receiver.BaseAddress, $"engine/{i}").ToString(), ["bench.engine"]), CancellationToken.None);
            ids[i] = created.Value!.Subscription.Id;
        }

        return ids;
    }

    private static async Task<string[]> AddEventsAsync(IEventStore store)
    {
        var data = Encoding.UTF8.GetBytes($$"""{"padding":"{{new string('x', 960)}}"}""");
        var ids = new string[Events];
        for (var i = 0; i < Events; i++)
        {
            ids[i] = $"evt_engine_{i}";
            await store.TryAddAsync(new WebhookEvent(ids[i], "bench.engine", DateTimeOffset.UtcNow, null, null, data, null), CancellationToken.None);
        }

        return ids;
    }
}
