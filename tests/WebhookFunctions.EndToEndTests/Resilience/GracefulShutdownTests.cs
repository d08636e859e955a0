using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.EndToEndTests.Hosting;
using WebhookFunctions.Development;
using Xunit.Abstractions;
using WebhookFunctions.Testing.Waiting;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>
/// Stopping the server under load: deliveries in flight finish, messages received but not started go back to the
/// queue at once, and a new server on the same storage delivers the rest; nothing is lost.
/// </summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private const int Events = 20;
    private const int SlowEndpoints = 2;
    private static readonly TimeSpan ReceiverDelay = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task Stopping_under_load_completes_deliveries_in_flight_and_returns_the_rest_to_the_queue()
    {
        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync(NullLogger.Instance, CancellationToken.None);
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:NamePrefix"] = $"g{Guid.NewGuid():N}"[..16],
            ["Delivery:AllowHttpUrls"] = "true",
            ["Egress:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Delivery:AttemptTimeout"] = "00:00:05",
            ["Delivery:FanOutBatchSize"] = "1",
            ["EndpointHealth:InitialConcurrency"] = "16",
            ["Workers:DeliveryConcurrency"] = "4",
            ["Workers:ReceiveBatchSize"] = "8",
            ["Workers:MaxPollDelay"] = "00:00:00.200",
            // Left at its default of 2 minutes on purpose: a message not handed back on stop would stay hidden that long.
            ["Workers:MessageVisibilityTimeout"] = "00:02:00",
        };

        var first = await RunningServer.StartOnStorageAsync(settings, azurite.ConnectionString);
        var endpoints = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < SlowEndpoints; i++)
        {
            endpoints[$"slow{i}"] = await WebhookApi.SubscribeAsync(first.Client, receiver.Endpoint($"slow{i}", Behaviours.Slow(ReceiverDelay)), "graceful.tick");
        }

        var eventIds = new List<string>();
        for (var i = 0; i < Events; i++)
        {
            eventIds.Add((await WebhookApi.TryPublishAsync(first.Client, "graceful.tick"))!);
        }

        await Eventually.HoldsAsync(() => receiver.InFlight >= 3, "deliveries in flight", TimeSpan.FromSeconds(30));
        var inFlightAtStop = receiver.InFlight;
        var answeredBeforeStop = receiver.Arrivals.Count;
        var stopping = Stopwatch.StartNew();
        await first.DisposeAsync();
        stopping.Stop();
        var answeredByFirst = receiver.Arrivals.ToList();

        Assert.All(answeredByFirst, a => Assert.Equal(200, a.Status));
        Assert.True(
            answeredByFirst.Count >= answeredBeforeStop + inFlightAtStop,
            $"{inFlightAtStop} deliveries were in flight at stop, but only {answeredByFirst.Count - answeredBeforeStop} were answered afterwards.");
        var pairs = eventIds.SelectMany(id => endpoints.Keys.Select(endpoint => (endpoint, id))).ToList();
        var leftForSecond = pairs.Count - answeredByFirst.Select(a => (a.Endpoint, a.WebhookId)).Distinct().Count();
        Assert.True(leftForSecond > 0, "Everything was delivered before the stop; the test did not stop under load.");

        // Patience well under the 2-minute visibility timeout: the rest arrives only if the unstarted messages were
        // made visible on stop rather than left to time out.
        var restart = Stopwatch.StartNew();
        await using var second = await RunningServer.StartOnStorageAsync(settings, azurite.ConnectionString);
        await Eventually.HoldsAsync(
            () => pairs.All(p => receiver.Arrivals.Any(a => a.Succeeded && (a.Endpoint, a.WebhookId) == p)),
            "every pair delivered after the restart",
            TimeSpan.FromSeconds(45));
        var drainedAfterRestart = restart.Elapsed;
        // The duplicates counted below are all there are once no message is left to handle.
        await Eventually.HoldsAsync(async () => await StorageSnapshot.QueuedMessagesAsync(azurite.ConnectionString) == 0, "the queues are empty");

        var successes = receiver.Arrivals.Where(a => a.Succeeded).ToList();
        var duplicates = successes.Count - successes.Select(a => (a.Endpoint, a.WebhookId)).Distinct().Count();
        output.WriteLine(
            $"pairs {pairs.Count}; in flight at stop {inFlightAtStop}, all answered 200; stop took {stopping.Elapsed.TotalSeconds:0.0} s; " +
            $"delivered by the first server {answeredByFirst.Count}, left to the second {leftForSecond}, drained {drainedAfterRestart.TotalSeconds:0.0} s after restart; duplicates {duplicates}");
    }
}
