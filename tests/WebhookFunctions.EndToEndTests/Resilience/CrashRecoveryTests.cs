using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Development;
using Xunit.Abstractions;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>
/// Nothing accepted is lost: the server runs as its own process and is killed (-9) several times while events stream
/// in to flaky receivers, and its Azurite (data on disk) is stopped and started once; every accepted event must end
/// delivered or dead-lettered for every subscription. Duplicates are allowed (at-least-once) and reported.
/// </summary>
[Trait("Category", "Crash")]
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const string ApiKey = ServerSettings.ApiKey;
    private const string EventType = "crash.tick";
    private const int Subscribers = 10;
    private const int Events = 400;
    private const int Publishers = 4;
    private const int Kills = 3;
    private static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(120);
    private static readonly TimeSpan SettlePatience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Killing_the_server_and_restarting_storage_mid_stream_loses_no_accepted_event()
    {
        var clock = Stopwatch.StartNew();
        var dataDirectory = Directory.CreateTempSubdirectory("webhooks-crash-");
        var azurite = await AzuriteLauncher.StartOnFreePortsAsync(AzuritePorts.FindFree, dataDirectory.FullName, NullLogger.Instance, CancellationToken.None);
        var ports = azurite.Ports;
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = new ServerProcess(ServerEnvironment(ports));
        try
        {
            await server.StartAsync();
            using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

            var subscriptions = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < Subscribers; i++)
            {
                var name = $"flaky{i}";
                subscriptions[await WebhookApi.SubscribeAsync(client, receiver.Endpoint(name, Behaviours.Flaky(failRate: 0.20, hangRate: 0.05)), EventType)] = name;
            }

            var accepted = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
            var publishAttempts = 0;
            var publishers = PublishAsync(client, accepted, () => Interlocked.Increment(ref publishAttempts));
            var chaos = await CrashRepeatedlyAsync(server, async () =>
            {
                await azurite.StopGracefullyAsync(TimeSpan.FromSeconds(15));
                await azurite.DisposeAsync();
                await Task.Delay(TimeSpan.FromSeconds(2));
                azurite = await AzuriteLauncher.StartWhenPortsAreFreeAsync(ports, dataDirectory.FullName, TimeSpan.FromSeconds(30), NullLogger.Instance, CancellationToken.None);
            });
            await publishers;
            var publishedAfter = clock.Elapsed;

            var pairs = accepted.Keys.SelectMany(eventId => subscriptions.Select(s => (EventId: eventId, SubscriptionId: s.Key, Endpoint: s.Value))).ToList();
            var deadline = DateTime.UtcNow + SettlePatience;
            HashSet<(string, string)> delivered;
            HashSet<(string, string?)> deadLettered;
            List<(string EventId, string SubscriptionId, string Endpoint)> missing;
            while (true)
            {
                delivered = receiver.Arrivals.Where(a => a.Succeeded).Select(a => (a.Endpoint, a.WebhookId)).ToHashSet();
                // A fan-out dead letter accounts for every subscription of its event: the API shows the event as not fanned out.
                deadLettered = (await WebhookApi.ListDeadLettersAsync(client)).Select(d => (d.EventId, d.SubscriptionId)).ToHashSet();
                missing = pairs.Where(p => !delivered.Contains((p.Endpoint, p.EventId))
                    && !deadLettered.Contains((p.EventId, p.SubscriptionId))
                    && !deadLettered.Contains((p.EventId, null))).ToList();
                if (missing.Count == 0 || DateTime.UtcNow > deadline)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            var settledAfter = clock.Elapsed;
            var successes = receiver.Arrivals.Where(a => a.Succeeded).ToList();
            var duplicates = successes.Count - successes.Select(a => (a.Endpoint, a.WebhookId)).Distinct().Count();
            var deliveredPairs = pairs.Count(p => delivered.Contains((p.Endpoint, p.EventId)));
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"crash test: events published {Events} ({publishAttempts} publish requests), accepted {accepted.Count}, server kills {chaos.Kills}, Azurite restarts {chaos.AzuriteRestarts}, pairs {pairs.Count}, delivered {deliveredPairs}, dead-lettered {pairs.Count - deliveredPairs - missing.Count}, lost {missing.Count}, duplicates {duplicates}; receiver requests {receiver.Arrivals.Count}; published after {publishedAfter.TotalSeconds:0} s, settled after {settledAfter.TotalSeconds:0} s"));

            Assert.Equal(Events, accepted.Count);
            Assert.Equal((Kills, 1), (chaos.Kills, chaos.AzuriteRestarts));
            Assert.True(missing.Count == 0, $"{missing.Count} accepted (event, subscription) pairs were neither delivered nor dead-lettered, e.g. {string.Join(", ", missing.Take(5))}. Server output: {server.RecentOutput()}");
        }
        finally
        {
            await server.KillAsync();
            if (azurite is not null)
            {
                await azurite.DisposeAsync();
            }

            dataDirectory.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string> ServerEnvironment(AzuritePorts ports)
    {
        var tuning = new Dictionary<string, string?>
        {
            ["Storage:NamePrefix"] = "crash",
            ["Delivery:AttemptTimeout"] = "00:00:01",
            ["EndpointHealth:OpenDuration"] = "00:00:05",
            // A killed server's held messages reappear when their visibility ends: seconds, not the default minutes.
            ["Workers:MessageVisibilityTimeout"] = "00:00:10",
            ["Workers:RetryDelayAfterError"] = "00:00:02",
            ["Workers:MaxPollDelay"] = "00:00:00.200",
        };
        string[] schedule = ["00:00:00", "00:00:01", "00:00:01", "00:00:02", "00:00:02", "00:00:03"];
        for (var i = 0; i < schedule.Length; i++)
        {
            tuning[$"Delivery:RetrySchedule:{i}"] = schedule[i];
        }

        var environment = ServerSettings.AsEnvironment(ServerSettings.Compose(ports.ToConnectionString(), ServerSettings.LoopbackDelivery, tuning));
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return environment;
    }

    /// <summary>
    /// Publishes <see cref="Events"/> events at a steady pace; each publish is retried with its Idempotency-Key until
    /// it is answered 202, as a client would while the server is down. Only a 202 counts as accepted.
    /// </summary>
    private static Task PublishAsync(HttpClient client, ConcurrentDictionary<string, byte> accepted, Action counted) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, Events),
            new ParallelOptions { MaxDegreeOfParallelism = Publishers },
            async (i, ct) =>
            {
                await Task.Delay(PublishInterval * Publishers, ct);
                var key = Guid.NewGuid().ToString("N");
                while (true)
                {
                    counted();
                    try
                    {
                        if (await WebhookApi.TryPublishAsync(client, EventType, idempotencyKey: key, cancellationToken: ct) is { } eventId)
                        {
                            accepted[eventId] = 0;
                            return;
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                    {
                        // The server is down or died mid-request: try again with the same key.
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
                }
            });

    /// <summary>Kills and restarts the server <see cref="Kills"/> times at random moments, and restarts Azurite once in between.</summary>
    private static async Task<(int Kills, int AzuriteRestarts)> CrashRepeatedlyAsync(ServerProcess server, Func<Task> restartAzurite)
    {
        var kills = 0;
        var azuriteRestarts = 0;
        for (var round = 0; round < Kills; round++)
        {
            await Task.Delay(TimeSpan.FromSeconds(5 + (Random.Shared.NextDouble() * 6)));
            await server.KillAsync();
            kills++;
            await Task.Delay(TimeSpan.FromSeconds(0.5 + Random.Shared.NextDouble()));
            await server.StartAsync();

            if (round == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(3 + (Random.Shared.NextDouble() * 3)));
                await restartAzurite();
                azuriteRestarts++;
            }
        }

        return (kills, azuriteRestarts);
    }
}
