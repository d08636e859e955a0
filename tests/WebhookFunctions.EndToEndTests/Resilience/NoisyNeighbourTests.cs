using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using WebhookFunctions.EndToEndTests.Hosting;
using Xunit.Abstractions;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>
/// One hanging endpoint and one always-500 endpoint beside 20 healthy ones: the healthy ones must still get every
/// event, and the broken ones are cut off by their circuits instead of holding workers. How much the broken ones slow
/// the healthy ones is a speed figure, measured by the benchmark's section 9, not asserted here.
/// </summary>
public sealed class NoisyNeighbourTests(ITestOutputHelper output)
{
    private const int HealthyEndpoints = 20;
    private const int Events = 300;
    private const int Publishers = 8;
    private static readonly TimeSpan DeliveryPatience = TimeSpan.FromSeconds(180);

    // Tuned for receivers expected to answer fast, as the benchmark's section 9 is.
    private static readonly Dictionary<string, string?> Settings = new(ServerSettings.FastReceivers.Concat(ServerSettings.LoopbackDelivery))
    {
        ["EndpointHealth:InitialConcurrency"] = "4",

        // Longer than the run, so no half-open probe adds attempts to the count asserted below.
        ["EndpointHealth:OpenDuration"] = "00:10:00",
    };

    [Fact]
    public async Task A_hanging_and_an_always_failing_endpoint_are_cut_off_by_their_circuits_and_the_healthy_ones_get_every_event()
    {
        var noisy = await RunAsync();
        output.WriteLine($"noisy: {noisy}");

        Assert.Equal(0, noisy.Missing);

        // Each broken endpoint fails FailureThreshold (5) times in a row before its circuit opens; besides the attempt
        // whose failure opens it, at most its concurrency limit less one were in flight then (4 at first, never raised
        // without a success), and they end too. Nothing more is admitted while the circuit stays open.
        Assert.All(noisy.BrokenAttempts, broken => Assert.InRange(broken.Value, 5, 5 + 4 - 1));
    }

    private static async Task<RunFigures> RunAsync()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await RunningServer.StartAsync(Settings);
        var eventType = "noisy.tick";
        var healthy = Enumerable.Range(0, HealthyEndpoints).Select(i => $"healthy{i}").ToList();
        foreach (var name in healthy)
        {
            await WebhookApi.SubscribeAsync(server.Client, receiver.Endpoint(name, Behaviours.Healthy), eventType);
        }

        await WebhookApi.SubscribeAsync(server.Client, receiver.Endpoint("hanging", Behaviours.Hangs), eventType);
        await WebhookApi.SubscribeAsync(server.Client, receiver.Endpoint("failing", Behaviours.AlwaysFails), eventType);

        var clock = Stopwatch.StartNew();
        var publishedAt = await PublishAsync(server.Client, eventType);
        var publishDuration = clock.Elapsed;

        var expected = HealthyEndpoints * Events;
        var deadline = DateTime.UtcNow + DeliveryPatience;
        Dictionary<(string Endpoint, string WebhookId), Arrival> firsts;
        while (true)
        {
            firsts = FirstSuccesses(receiver, healthy);
            if (firsts.Count >= expected || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }

        var allDelivered = clock.Elapsed;
        var latencies = firsts.Values.Select(a => a.ArrivedAt - publishedAt[a.WebhookId]).Order().ToList();
        var healthyArrivals = receiver.Arrivals.Count(a => a.Succeeded && healthy.Contains(a.Endpoint));
        return new RunFigures(
            Delivered: firsts.Count,
            Missing: expected - firsts.Count,
            Duplicates: healthyArrivals - firsts.Count,
            P50: Percentile(latencies, 0.50),
            P95: Percentile(latencies, 0.95),
            Max: latencies.Count > 0 ? latencies[^1] : TimeSpan.Zero,
            PublishDuration: publishDuration,
            AllDelivered: allDelivered,
            BrokenAttempts: new Dictionary<string, int>
            {
                ["hanging"] = receiver.Arrivals.Count(a => a.Endpoint == "hanging"),
                ["failing"] = receiver.Arrivals.Count(a => a.Endpoint == "failing"),
            });
    }

    /// <summary>Publishes every event with a client-chosen id from several publishers; returns when each publish started.</summary>
    private static async Task<ConcurrentDictionary<string, DateTimeOffset>> PublishAsync(HttpClient client, string eventType)
    {
        var publishedAt = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var run = Guid.NewGuid().ToString("N")[..8];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Events),
            new ParallelOptions { MaxDegreeOfParallelism = Publishers },
            async (i, ct) =>
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"evt-{run}-{i}");
                publishedAt[id] = DateTimeOffset.UtcNow;
                Assert.Equal(id, await WebhookApi.TryPublishAsync(client, eventType, id, cancellationToken: ct));
            });
        return publishedAt;
    }

    private static Dictionary<(string Endpoint, string WebhookId), Arrival> FirstSuccesses(WebhookReceiver receiver, IReadOnlyCollection<string> endpoints) =>
        receiver.Arrivals
            .Where(a => a.Succeeded && endpoints.Contains(a.Endpoint))
            .GroupBy(a => (a.Endpoint, a.WebhookId))
            .ToDictionary(g => g.Key, g => g.MinBy(a => a.ArrivedAt)!);

    private static TimeSpan Percentile(List<TimeSpan> sorted, double fraction) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];

    private sealed record RunFigures(int Delivered, int Missing, int Duplicates, TimeSpan P50, TimeSpan P95, TimeSpan Max, TimeSpan PublishDuration, TimeSpan AllDelivered, IReadOnlyDictionary<string, int> BrokenAttempts)
    {
        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"delivered {Delivered}, missing {Missing}, duplicates {Duplicates}, latency p50 {P50.TotalMilliseconds:0} ms, p95 {P95.TotalMilliseconds:0} ms, max {Max.TotalMilliseconds:0} ms, published in {PublishDuration.TotalSeconds:0.0} s, all delivered after {AllDelivered.TotalSeconds:0.0} s, broken-endpoint attempts {string.Join(", ", BrokenAttempts.Select(b => $"{b.Key} {b.Value}"))}");
    }
}
