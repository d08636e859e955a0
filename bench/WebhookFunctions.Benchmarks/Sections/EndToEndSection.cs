using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>
/// (4) End to end on the self-hosted server over Azurite: a burst of events published at a fixed rate (open loop),
/// each to 1, 10 or 100 subscribers; then every delivery is awaited. Storage operations are counted, not guessed.
/// (6) The peak working set of the process hosting the server is sampled meanwhile.
/// </summary>
internal static class EndToEndSection
{
    public const string Name = "4 End to end";
    public static readonly string DataJson = $$"""{"padding":"{{new string('x', 960)}}"}""";

    public static async Task RunAsync(
        BenchSettings settings, RunningServer server, LoopbackReceiver receiver, StorageOperationCounter counter,
        double? azuriteOperationsPerSecond, ResultTable table)
    {
        long peakBytes;
        await using (var memory = new PeakWorkingSet())
        {
            foreach (var (subscribers, eventsPerSecond, events) in settings.EndToEndScenarios)
            {
                await RunScenarioAsync(server, receiver, counter, azuriteOperationsPerSecond, table, subscribers, eventsPerSecond, events);
            }

            peakBytes = memory.PeakBytes;
        }

        table.Add("6 Memory", "peak working set during (4)", peakBytes / (1024.0 * 1024.0), "MiB", "whole process: server + receiver + load driver (Azurite runs apart)");
    }

    /// <summary>One scenario on <paramref name="server"/>; <paramref name="pathLabel"/>, when given, names the publishing path in the section column.</summary>
    public static async Task<EndToEndFigures> RunScenarioAsync(
        RunningServer server, LoopbackReceiver receiver, StorageOperationCounter counter,
        double? azuriteOperationsPerSecond, ResultTable table, int subscribers, double eventsPerSecond, int events, string? pathLabel = null)
    {
        var section = pathLabel is null ? $"{Name}, {subscribers} sub/event" : $"{Name}, {subscribers} sub/event, {pathLabel}";
        var eventType = $"bench.s{subscribers}";
        var runId = Guid.NewGuid().ToString("N")[..6];

        // Its own receiver paths: another scenario's arrivals on the same receiver must not count as this one's.
        var prefix = $"/e2e{subscribers}-{runId}/";
        for (var i = 0; i < subscribers; i++)
        {
            await server.SubscribeAsync(new Uri(receiver.BaseAddress, $"{prefix}{i}"), eventType);
        }

        // Warm-up: one event through the whole path (subscription cache, connections, JIT).
        await server.PublishAsync($"warm{subscribers}", eventType, DataJson);
        await WaitForAsync(() => receiver.CountUnder(prefix) >= subscribers, TimeSpan.FromSeconds(30));

        var scheduledAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var publishLatencies = new ConcurrentBag<double>();
        long lastPublishDone = 0;
        long failedPublishes = 0;
        var before = counter.Snapshot();
        var start = Stopwatch.GetTimestamp();

        await LoadDrivers.OpenLoopAsync(eventsPerSecond, events, async (i, scheduled) =>
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"evt_{runId}_{subscribers}_{i}");
            try
            {
                await server.PublishAsync(id, eventType, DataJson);
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                // Counted and reported: a publish the server refused is part of what this load did to it.
                Interlocked.Increment(ref failedPublishes);
                return;
            }

            scheduledAt[id] = scheduled;
            var done = Stopwatch.GetTimestamp();
            publishLatencies.Add(Stopwatch.GetElapsedTime(scheduled, done).TotalMilliseconds);
            InterlockedMax(ref lastPublishDone, done);
        });

        var expected = (long)scheduledAt.Count * subscribers;
        var deadline = TimeSpan.FromSeconds(90);
        var allArrived = await WaitForAsync(() => receiver.CountUnder(prefix) >= expected + subscribers, deadline);
        await QuiesceAsync(counter);
        var operations = StorageOperationCounter.Difference(before, counter.Snapshot());

        var arrivals = receiver.ArrivalsUnder(prefix).Where(a => scheduledAt.ContainsKey(a.Key.Id)).ToList();
        var delivered = arrivals.Count;
        var lastArrival = arrivals.Count > 0 ? arrivals.Max(a => a.Value) : Stopwatch.GetTimestamp();
        var deliverySeconds = Stopwatch.GetElapsedTime(start, lastArrival).TotalSeconds;
        var deliveriesPerSecond = delivered / deliverySeconds;
        var latency = new Percentiles(arrivals.Select(a => Stopwatch.GetElapsedTime(scheduledAt[a.Key.Id], a.Value).TotalMilliseconds));
        var publish = new Percentiles(publishLatencies);
        var publishSeconds = Stopwatch.GetElapsedTime(start, lastPublishDone).TotalSeconds;

        var totalOperations = operations.Values.Sum();
        var perDelivery = totalOperations / (double)Math.Max(1, delivered);
        table.Add(section, "publish rate sustained", events / publishSeconds, "events/s", $"offered {eventsPerSecond:0.#}/s, {events} events{(failedPublishes == 0 ? "" : $", {failedPublishes} publishes FAILED")}");
        table.Add(section, "publish latency p50 / p99", publish.At(50), "ms", $"p99 {publish.At(99):0.#} ms");
        table.Add(section, "deliveries", deliveriesPerSecond, "deliveries/s", $"{delivered} of {expected}{(allArrived ? "" : " (timed out)")} in {deliverySeconds:0.#} s");
        table.Add(section, "publish→delivery p50", latency.At(50), "ms", "");
        table.Add(section, "publish→delivery p95", latency.At(95), "ms", "");
        table.Add(section, "publish→delivery p99", latency.At(99), "ms", "");
        table.Add(section, "storage operations per delivery", perDelivery, "ops", string.Join(", ", operations.Where(o => o.Value > 0).OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value / (double)Math.Max(1, delivered):0.##}")));
        table.AddDetail(pathLabel is null ? $"operations{subscribers}" : $"operations{subscribers} {pathLabel}", operations);

        if (azuriteOperationsPerSecond is { } ceilingOperations && delivered > 0)
        {
            // What Azurite could carry if it served nothing but these deliveries' operations at its raw rate.
            var ceiling = ceilingOperations / perDelivery;
            table.Add(section, "Azurite-bound ceiling", ceiling, "deliveries/s", "(3) ceiling ÷ operations per delivery");
            table.Add(section, "ratio to Azurite-bound ceiling", deliveriesPerSecond / ceiling, "", "target ≥ 0.70");
        }

        return new EndToEndFigures(delivered, expected, deliveriesPerSecond, perDelivery, publish, latency);
    }

    /// <summary>Waits until storage traffic other than polling receives has stopped for a second (log writes, deletes).</summary>
    public static async Task QuiesceAsync(StorageOperationCounter counter)
    {
        static long Busy(IReadOnlyDictionary<string, long> counts) => counts.Where(c => c.Key != OperationKinds.QueueReceive).Sum(c => c.Value);
        var deadline = Stopwatch.StartNew();
        var last = Busy(counter.Snapshot());
        var stableSince = Stopwatch.StartNew();
        while (stableSince.Elapsed < TimeSpan.FromSeconds(1) && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(200);
            var now = Busy(counter.Snapshot());
            if (now != last)
            {
                last = now;
                stableSince.Restart();
            }
        }
    }

    /// <param name="pollInterval">How often the condition is checked; 20 ms when null.</param>
    public static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? pollInterval = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(20));
        }

        return true;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

/// <summary>What one end-to-end scenario measured: deliveries (of those expected), their rate, storage operations per delivery, latencies in ms.</summary>
internal sealed record EndToEndFigures(int Delivered, long Expected, double DeliveriesPerSecond, double OperationsPerDelivery, Percentiles Publish, Percentiles PublishToDelivery);
