using System.Diagnostics;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>
/// (5) One event to many subscribers (10,000 in the full run): the time from publish until the first and the last
/// delivery, and the storage operations the one event cost, by kind.
/// </summary>
internal static class WideFanOutSection
{
    public const string Name = "5 Wide fan-out";

    public static async Task RunAsync(BenchSettings settings, RunningServer server, LoopbackReceiver receiver, StorageOperationCounter counter, ResultTable table)
    {
        const string EventType = "bench.wide";
        const string Prefix = "/wide/";
        var setup = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, settings.WideFanOutSubscribers),
            new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, _) => await server.SubscribeAsync(new Uri(receiver.BaseAddress, $"{Prefix}{i}"), EventType));
        Console.WriteLine($"  ({settings.WideFanOutSubscribers} subscriptions created in {setup.Elapsed.TotalSeconds:0.#} s)");

        await EndToEndSection.QuiesceAsync(counter);
        var before = counter.Snapshot();
        var start = Stopwatch.GetTimestamp();
        await server.PublishAsync($"evt_wide_{Guid.NewGuid():N}", EventType, EndToEndSection.DataJson);
        var done = await EndToEndSection.WaitForAsync(() => receiver.CountUnder(Prefix) >= settings.WideFanOutSubscribers, settings.WideFanOutTimeout);
        var arrivals = receiver.ArrivalsUnder(Prefix);
        var last = arrivals.Count > 0 ? arrivals.Values.Max() : Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(start, last).TotalSeconds;
        table.Add(Name, $"time until the last of {settings.WideFanOutSubscribers:N0} deliveries", seconds, "s",
            done ? $"{settings.WideFanOutSubscribers / seconds:N0} deliveries/s; target < 30 s" : $"timed out: {arrivals.Count} delivered");
        await AddOneEventCostAsync(Name, counter, before, start, arrivals, table);
    }

    /// <summary>The time until the first delivery (fan-out's own latency shows there) and the operations the event cost.</summary>
    public static async Task AddOneEventCostAsync(
        string section, StorageOperationCounter counter, IReadOnlyDictionary<string, long> before, long start, IReadOnlyDictionary<(string Id, string Path), long> arrivals, ResultTable table)
    {
        if (arrivals.Count > 0)
        {
            table.Add(section, "time until the first delivery", Stopwatch.GetElapsedTime(start, arrivals.Values.Min()).TotalSeconds, "s", "publish, fan-out, first job received");
        }

        await EndToEndSection.QuiesceAsync(counter);
        var operations = StorageOperationCounter.Difference(before, counter.Snapshot()).Where(o => o.Key != OperationKinds.QueueReceive && o.Value > 0).ToList();
        table.Add(section, "storage operations for the one event (polling receives aside)", operations.Sum(o => o.Value), "ops",
            string.Join(", ", operations.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));
    }
}
