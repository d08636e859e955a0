using System.Diagnostics;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>(5) One event to many subscribers (10,000 in the full run): the time from publish until the last delivery.</summary>
internal static class WideFanOutSection
{
    public const string Name = "5 Wide fan-out";

    public static async Task RunAsync(BenchSettings settings, RunningServer server, LoopbackReceiver receiver, ResultTable table)
    {
        const string EventType = "bench.wide";
        const string Prefix = "/wide/";
        var setup = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, settings.WideFanOutSubscribers),
            new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, _) => await server.SubscribeAsync(new Uri(receiver.BaseAddress, $"{Prefix}{i}"), EventType));
        Console.WriteLine($"  ({settings.WideFanOutSubscribers} subscriptions created in {setup.Elapsed.TotalSeconds:0.#} s)");

        var start = Stopwatch.GetTimestamp();
        await server.PublishAsync($"evt_wide_{Guid.NewGuid():N}", EventType, EndToEndSection.DataJson);
        var done = await EndToEndSection.WaitForAsync(() => receiver.CountUnder(Prefix) >= settings.WideFanOutSubscribers, settings.WideFanOutTimeout);
        var arrivals = receiver.ArrivalsUnder(Prefix);
        var last = arrivals.Count > 0 ? arrivals.Values.Max() : Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(start, last).TotalSeconds;
        table.Add(Name, $"time until the last of {settings.WideFanOutSubscribers:N0} deliveries", seconds, "s",
            done ? $"{settings.WideFanOutSubscribers / seconds:N0} deliveries/s; target < 30 s" : $"timed out: {arrivals.Count} delivered");
    }
}
