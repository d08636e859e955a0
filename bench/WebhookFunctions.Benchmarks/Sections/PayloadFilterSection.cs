using System.Diagnostics;
using System.Text.Json;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Subscriptions.Filters;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>
/// (7) Payload filters: the engine's cost to decide one event against many filtered subscriptions (compiled once, the
/// envelope parsed once), then one event fanned out through the server to that many filtered subscriptions.
/// </summary>
internal static class PayloadFilterSection
{
    public const string Name = "7 Payload filters";

    public static void RunEngine(BenchSettings settings, ResultTable table)
    {
        var subscriptions = Enumerable.Range(0, settings.WideFanOutSubscribers).Select(Subscription).ToList();
        var webhookEvent = FilterWorkload.Event("bench.filtered");

        var passes = 0;
        var matched = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < settings.AzuriteDuration || passes < 3)
        {
            matched = PayloadFilter.Apply(subscriptions, subscription => subscription.Filter, webhookEvent).Count;
            passes++;
        }

        var perEvaluation = clock.Elapsed.TotalNanoseconds / passes / subscriptions.Count;
        if (matched != subscriptions.Count)
        {
            throw new InvalidOperationException($"Only {matched} of {subscriptions.Count} filters passed the event; the workload is meant to pass them all.");
        }

        table.Add(Name, "filter evaluation per subscription (engine)", perEvaluation, "ns",
            $"{subscriptions.Count:N0} subscriptions × {passes} events, envelope parsed once per event, 3 filter shapes (1, 2 and 6 conditions)");
        table.Add(Name, $"deciding one event for {subscriptions.Count:N0} filtered subscriptions", perEvaluation * subscriptions.Count / 1e6, "ms", "engine, single thread");
    }

    public static async Task RunEndToEndAsync(BenchSettings settings, RunningServer server, LoopbackReceiver receiver, StorageOperationCounter counter, ResultTable table)
    {
        const string EventType = "bench.filtered";
        const string Prefix = "/filtered/";
        var setup = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, settings.WideFanOutSubscribers),
            new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, _) => await server.SubscribeAsync(new Uri(receiver.BaseAddress, $"{Prefix}{i}"), EventType, FilterWorkload.Filter(i)));
        Console.WriteLine($"  ({settings.WideFanOutSubscribers} filtered subscriptions created in {setup.Elapsed.TotalSeconds:0.#} s)");

        // First an event every filter holds back, while no subscription is cached yet: what deciding costs on its own.
        await EndToEndSection.QuiesceAsync(counter);
        var beforeHeldBack = counter.Snapshot();
        await server.PublishAsync($"evt_held_back_{Guid.NewGuid():N}", EventType, FilterWorkload.HeldBackDataJson, FilterWorkload.HeldBackSubject);

        // Fan-out deletes the notice when it is done; nothing is delivered to wait for.
        await EndToEndSection.WaitForAsync(() => counter.Snapshot().GetValueOrDefault(OperationKinds.QueueDelete) > beforeHeldBack.GetValueOrDefault(OperationKinds.QueueDelete), settings.WideFanOutTimeout);
        await EndToEndSection.QuiesceAsync(counter);
        var heldBack = StorageOperationCounter.Difference(beforeHeldBack, counter.Snapshot()).Where(o => o.Key != OperationKinds.QueueReceive && o.Value > 0).ToList();
        table.Add(Name, $"storage operations for one event all {settings.WideFanOutSubscribers:N0} filters hold back", heldBack.Sum(o => o.Value), "ops",
            $"{string.Join(", ", heldBack.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}; {receiver.CountUnder(Prefix)} delivered");

        var before = counter.Snapshot();
        var start = Stopwatch.GetTimestamp();
        await server.PublishAsync($"evt_filtered_{Guid.NewGuid():N}", EventType, FilterWorkload.DataJson, FilterWorkload.Subject);
        var done = await EndToEndSection.WaitForAsync(() => receiver.CountUnder(Prefix) >= settings.WideFanOutSubscribers, settings.WideFanOutTimeout);
        var arrivals = receiver.ArrivalsUnder(Prefix);
        var last = arrivals.Count > 0 ? arrivals.Values.Max() : Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(start, last).TotalSeconds;
        table.Add(Name, $"time until the last of {settings.WideFanOutSubscribers:N0} filtered deliveries", seconds, "s",
            done ? $"{settings.WideFanOutSubscribers / seconds:N0} deliveries/s; every filter passes; target < 30 s" : $"timed out: {arrivals.Count} delivered");
        await WideFanOutSection.AddOneEventCostAsync(Name, counter, before, start, arrivals, table);
    }

    private static Subscription Subscription(int index)
    {
        using var definition = JsonDocument.Parse(FilterWorkload.Filter(index));
        return new Subscription
        {
            Id = $"sub_bench_{index}",
            Url = new Uri($"http://127.0.0.1/filtered/{index}"),
            EventTypes = ["bench.filtered"],
            Filter = SubscriptionFilter.TryCompile(definition.RootElement, new FieldErrors()) ?? throw new InvalidOperationException("A bench filter is invalid."),
            Secrets = [],
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
    }
}
