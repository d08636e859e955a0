using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Development;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>
/// (11) Latency at sustainable load: for 1 and 10 subscribers per event and 25, 50 and 100 events/s, each on a fresh
/// server on the chosen publishing path, events are published at a steady rate for a minute (open loop: each request
/// starts on its schedule, whether or not earlier ones returned, and its latency counts from that schedule). Reported:
/// publish p50/p99, publish→delivery p50/p95/p99 (at the receiver), deliveries/s over the last stretch of the run
/// against offered × subscribers, whether the backlog stayed flat, and storage operations per delivery. Azurite's
/// queue service stops answering for seconds once a minute (see <see cref="AzuriteStallProbe"/>), so the latencies are
/// also given for the publishes and deliveries that overlapped none of the stalls its side probe saw.
/// </summary>
internal static class SustainedLoadSection
{
    public const string Name = "11 Sustainable load";
    private const string EventType = "bench.sustained";
    private const int WarmUpEvents = 5;

    /// <summary>Deliveries/s in the last stretch may differ from offered × subscribers by this much for the backlog to count as flat.</summary>
    private const double FlatTolerance = 0.10;

    public static async Task RunAsync(BenchSettings settings, string connectionString, AzuritePorts ports, LoopbackReceiver receiver, ResultTable table, bool? directDelivery)
    {
        var measureIdle = true;
        foreach (var subscribers in settings.SustainedSubscribers)
        {
            foreach (var rate in settings.SustainedRates)
            {
                await RunCaseAsync(settings, connectionString, ports, receiver, table, directDelivery, subscribers, rate, measureIdle);
                measureIdle = false;
            }
        }
    }

    /// <summary>
    /// One rate and subscriber count on a fresh server. With <paramref name="measureIdle"/>, the server's storage
    /// traffic is first counted while nothing is published (what polling costs an idle server).
    /// </summary>
    public static async Task<SustainedFigures> RunCaseAsync(
        BenchSettings settings, string connectionString, AzuritePorts ports, LoopbackReceiver receiver, ResultTable table,
        bool? directDelivery, int subscribers, double eventsPerSecond, bool measureIdle = false)
    {
        var path = DeliveryPath.Label(directDelivery);
        var section = string.Create(CultureInfo.InvariantCulture, $"{Name}, {path}, {subscribers} sub, {eventsPerSecond:0.#}/s");
        var runId = Guid.NewGuid().ToString("N")[..6];
        var prefix = $"/sustained-{runId}/";
        var counter = new StorageOperationCounter(ports);
        await using var server = await BenchServer.StartAsync(connectionString, counter, overrides: DeliveryPath.Settings(directDelivery));
        for (var i = 0; i < subscribers; i++)
        {
            await server.SubscribeAsync(new Uri(receiver.BaseAddress, $"{prefix}{i}"), EventType);
        }

        // Warm-up: a few events through the whole path (subscription cache, connections, JIT), then quiet.
        for (var i = 0; i < WarmUpEvents; i++)
        {
            await server.PublishAsync($"warm_{runId}_{i}", EventType, EndToEndSection.DataJson);
        }

        await EndToEndSection.WaitForAsync(() => receiver.CountUnder(prefix) >= WarmUpEvents * subscribers, TimeSpan.FromSeconds(30));
        await EndToEndSection.QuiesceAsync(counter);

        if (measureIdle)
        {
            await MeasureIdleAsync(settings, counter, path, table);
        }

        var events = (int)Math.Round(eventsPerSecond * settings.SustainedDuration.TotalSeconds);
        var expected = (long)events * subscribers;
        var scheduledAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var publishSpans = new ConcurrentBag<(long Scheduled, long Answered)>();
        long failedPublishes = 0;
        var before = counter.Snapshot();
        var probe = await AzuriteStallProbe.StartAsync(connectionString);
        var start = Stopwatch.GetTimestamp();

        await LoadDrivers.OpenLoopAsync(eventsPerSecond, events, async (i, scheduled) =>
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"evt_{runId}_{i}");
            try
            {
                await server.PublishAsync(id, EventType, EndToEndSection.DataJson);
                scheduledAt[id] = scheduled;
                publishSpans.Add((scheduled, Stopwatch.GetTimestamp()));
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                // Counted and reported: a rejected publish is part of what this load does to the server.
                Interlocked.Increment(ref failedPublishes);
            }
        });

        // Offering ends when the last event was due, whatever became of the requests.
        var offeredEnd = start + (long)((events - 1) / eventsPerSecond * Stopwatch.Frequency);
        var accepted = scheduledAt.Count;
        var acceptedDeliveries = (long)accepted * subscribers;
        var allDelivered = await EndToEndSection.WaitForAsync(
            () => receiver.CountUnder(prefix) - WarmUpEvents * subscribers >= acceptedDeliveries,
            settings.SustainedDrainTimeout - Stopwatch.GetElapsedTime(offeredEnd),
            TimeSpan.FromMilliseconds(100));
        await EndToEndSection.QuiesceAsync(counter);
        await probe.DisposeAsync();
        var operations = StorageOperationCounter.Difference(before, counter.Snapshot());

        var arrivals = receiver.ArrivalsUnder(prefix).Where(a => scheduledAt.ContainsKey(a.Key.Id)).ToList();
        var latency = new Percentiles(arrivals.Select(a => Stopwatch.GetElapsedTime(scheduledAt[a.Key.Id], a.Value).TotalMilliseconds));
        var publish = new Percentiles(publishSpans.Select(span => Stopwatch.GetElapsedTime(span.Scheduled, span.Answered).TotalMilliseconds));

        // The last stretch of the offered period: a flat backlog delivers there what is offered.
        var window = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, settings.SustainedDuration.Ticks / 2));
        var windowStart = offeredEnd - (long)(window.TotalSeconds * Stopwatch.Frequency);
        var inWindow = arrivals.Count(a => a.Value > windowStart && a.Value <= offeredEnd);
        var windowRate = inWindow / window.TotalSeconds;
        var offeredDeliveries = eventsPerSecond * subscribers;
        var lastArrival = arrivals.Count > 0 ? arrivals.Max(a => a.Value) : Stopwatch.GetTimestamp();
        var drainSeconds = Stopwatch.GetElapsedTime(offeredEnd, lastArrival).TotalSeconds;
        var flat = allDelivered && Math.Abs(windowRate - offeredDeliveries) <= FlatTolerance * offeredDeliveries;
        var perDelivery = operations.Values.Sum() / (double)Math.Max(1, arrivals.Count);

        var publishNote = failedPublishes == 0 ? $"{events} events" : $"{events} events, {failedPublishes} publishes FAILED";
        table.Add(section, "publish p50", publish.At(50), "ms", publishNote);
        var slowest = string.Create(CultureInfo.InvariantCulture, $"max {publish.At(100):0} ms");
        table.Add(section, "publish p99", publish.At(99), "ms", eventsPerSecond >= 100 ? $"target ≤ 50 ms at 100/s; {slowest}" : slowest);
        table.Add(section, "publish→delivery p50", latency.At(50), "ms", "");
        table.Add(section, "publish→delivery p95", latency.At(95), "ms", subscribers == 1 && eventsPerSecond == 50 ? "target ≤ 150 ms at 50/s, 1 subscriber" : "");
        table.Add(section, "publish→delivery p99", latency.At(99), "ms", "");
        table.Add(section, $"deliveries/s, last {window.TotalSeconds:0} s of the run", windowRate, "deliveries/s",
            string.Create(CultureInfo.InvariantCulture, $"offered {offeredDeliveries:0.#}/s: ratio {windowRate / offeredDeliveries:0.###}"));
        table.Add(section, "backlog flat (1 = yes)", flat ? 1 : 0, "",
            string.Create(CultureInfo.InvariantCulture, $"{arrivals.Count} of {acceptedDeliveries} delivered{(allDelivered ? "" : $" (not all within {settings.SustainedDrainTimeout.TotalSeconds:0} s after the last publish was due)")}, the last {drainSeconds:0.##} s after the last publish was due; flat = last-stretch rate within {FlatTolerance:P0} of offered and all delivered"));
        table.Add(section, "storage operations per delivery", perDelivery, "ops",
            string.Join(", ", operations.Where(o => o.Value > 0).OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value / (double)Math.Max(1, arrivals.Count):0.##}")));
        var clear = arrivals.Where(a => !probe.OverlapsStall(scheduledAt[a.Key.Id], a.Value)).ToList();
        var clearLatency = new Percentiles(clear.Select(a => Stopwatch.GetElapsedTime(scheduledAt[a.Key.Id], a.Value).TotalMilliseconds));
        table.Add(section, "publish→delivery p95, clear of emulator stalls", clearLatency.At(95), "ms",
            string.Create(CultureInfo.InvariantCulture, $"the {clear.Count} of {arrivals.Count} deliveries whose publish→delivery span overlapped no queue-service stall the side probe saw ({probe.QueueStalls.Count} stalls); p50 {clearLatency.At(50):0.#} ms, p99 {clearLatency.At(99):0.#} ms"));
        var clearPublishes = publishSpans.Where(span => !probe.OverlapsStall(span.Scheduled, span.Answered)).ToList();
        var clearPublish = new Percentiles(clearPublishes.Select(span => Stopwatch.GetElapsedTime(span.Scheduled, span.Answered).TotalMilliseconds));
        table.Add(section, "publish p99, clear of emulator stalls", clearPublish.At(99), "ms",
            string.Create(CultureInfo.InvariantCulture, $"the {clearPublishes.Count} of {publishSpans.Count} publishes that overlapped no queue-service stall; p50 {clearPublish.At(50):0.#} ms"));
        table.Add(section, "longest Azurite queue call (side probe)", probe.LongestQueueCall.TotalMilliseconds, "ms",
            string.Create(CultureInfo.InvariantCulture, $"a cheap call every 100 ms on a queue of its own; {probe.StalledQueueTime.TotalSeconds:0.#} s spent in calls over {AzuriteStallProbe.StallThreshold.TotalSeconds:0} s; longest table call {probe.LongestTableCall.TotalMilliseconds:0} ms"));
        table.AddDetail($"sustained {path} {subscribers} {eventsPerSecond} operations", operations);

        return new SustainedFigures(arrivals.Count, expected, failedPublishes, publish, latency, windowRate, offeredDeliveries, flat, perDelivery);
    }

    /// <summary>Storage operations per second of a quiet server: the polling an idle server pays for.</summary>
    private static async Task MeasureIdleAsync(BenchSettings settings, StorageOperationCounter counter, string path, ResultTable table)
    {
        var idleBefore = counter.Snapshot();
        await Task.Delay(settings.IdleWindow);
        var idle = StorageOperationCounter.Difference(idleBefore, counter.Snapshot());
        table.Add($"{Name}, {path}", "idle storage operations", idle.Values.Sum() / settings.IdleWindow.TotalSeconds, "ops/s",
            string.Create(CultureInfo.InvariantCulture, $"over {settings.IdleWindow.TotalSeconds:0} s, from 1 s after the warm-up's last write: ") +
            string.Join(", ", idle.Where(o => o.Value > 0).OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));
    }
}

/// <summary>
/// What one case of (11) measured: deliveries (of those expected), failed publishes, latencies in ms, deliveries/s in
/// the last stretch against offered × subscribers, whether the backlog stayed flat, storage operations per delivery.
/// </summary>
internal sealed record SustainedFigures(
    int Delivered, long Expected, long FailedPublishes, Percentiles Publish, Percentiles PublishToDelivery,
    double LastStretchDeliveriesPerSecond, double OfferedDeliveriesPerSecond, bool BacklogFlat, double OperationsPerDelivery);
