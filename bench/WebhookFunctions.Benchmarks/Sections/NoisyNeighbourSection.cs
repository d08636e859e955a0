using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Development;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>
/// (9) Noisy neighbours: 20 healthy endpoints get a burst of events, once alone and once beside one hanging and one
/// always-500 endpoint subscribed to the same events, each run on a fresh server. The healthy endpoints'
/// publish→delivery p95 with the broken neighbours is compared with the baseline's. Tuned as an operator would for
/// receivers expected to answer fast: a 2 s attempt timeout, a seconds-scale retry schedule, the circuit opening after
/// 5 consecutive failures.
/// </summary>
internal static class NoisyNeighbourSection
{
    public const string Name = "9 Noisy neighbours";
    private const string EventType = "bench.noisy";
    private const int HealthyEndpoints = 20;
    private const int Publishers = 8;

    // Every attempt at the broken endpoints is a warning; the figures are what this section reports.
    private static readonly Dictionary<string, string?> Tuning = new(ServerSettings.FastReceivers) { ["Logging:LogLevel:Default"] = "Error" };

    public static async Task RunAsync(BenchSettings settings, string storageConnectionString, AzuritePorts ports, LoopbackReceiver receiver, ResultTable table)
    {
        var baseline = await RunOnceAsync(settings, storageConnectionString, ports, receiver, "baseline", withBrokenEndpoints: false);
        var noisy = await RunOnceAsync(settings, storageConnectionString, ports, receiver, "noisy", withBrokenEndpoints: true);
        var events = settings.NoisyNeighbourEvents;
        table.Add(Name, "healthy p95, alone", baseline.Latency.At(95), "ms", $"{baseline.Delivered} of {HealthyEndpoints * events} delivered, p50 {baseline.Latency.At(50):0} ms");
        table.Add(Name, "healthy p95, beside a hanging and a failing endpoint", noisy.Latency.At(95), "ms", $"{noisy.Delivered} of {HealthyEndpoints * events} delivered, p50 {noisy.Latency.At(50):0} ms; broken-endpoint requests {noisy.BrokenRequests}");
        table.Add(Name, "p95 ratio noisy / alone", noisy.Latency.At(95) / baseline.Latency.At(95), "", "target ≤ 2 (or ≤ alone + 1 s when alone is under 1 s)");
    }

    private static async Task<RunFigures> RunOnceAsync(BenchSettings settings, string storageConnectionString, AzuritePorts ports, LoopbackReceiver receiver, string run, bool withBrokenEndpoints)
    {
        await using var server = await BenchServer.StartAsync(storageConnectionString, new StorageOperationCounter(ports), overrides: DeliveryPath.With(Tuning, settings.DirectDelivery));
        var prefix = $"/noisy-{run}/";
        for (var i = 0; i < HealthyEndpoints; i++)
        {
            await server.SubscribeAsync(new Uri(receiver.BaseAddress, $"{prefix}{i}"), EventType);
        }

        var brokenBefore = receiver.BrokenRequests;
        if (withBrokenEndpoints)
        {
            await server.SubscribeAsync(new Uri(receiver.BaseAddress, $"{LoopbackReceiver.HangingPrefix}{run}"), EventType);
            await server.SubscribeAsync(new Uri(receiver.BaseAddress, $"{LoopbackReceiver.FailingPrefix}{run}"), EventType);
        }

        var events = settings.NoisyNeighbourEvents;
        var publishedAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, events),
            new ParallelOptions { MaxDegreeOfParallelism = Publishers },
            async (i, _) =>
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"evt_{run}_{i}");
                publishedAt[id] = Stopwatch.GetTimestamp();
                await server.PublishAsync(id, EventType, EndToEndSection.DataJson);
            });

        await EndToEndSection.WaitForAsync(() => receiver.CountUnder(prefix) >= HealthyEndpoints * events, TimeSpan.FromSeconds(180));
        var arrivals = receiver.ArrivalsUnder(prefix).Where(a => publishedAt.ContainsKey(a.Key.Id)).ToList();
        return new RunFigures(
            arrivals.Count,
            new Percentiles(arrivals.Select(a => Stopwatch.GetElapsedTime(publishedAt[a.Key.Id], a.Value).TotalMilliseconds)),
            receiver.BrokenRequests - brokenBefore);
    }

    private sealed record RunFigures(int Delivered, Percentiles Latency, long BrokenRequests);
}
