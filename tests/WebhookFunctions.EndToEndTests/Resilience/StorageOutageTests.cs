using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Development;
using WebhookFunctions.EndToEndTests.Hosting;
using WebhookFunctions.Engine.Faults;
using Xunit.Abstractions;
using WebhookFunctions.Testing.Waiting;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>
/// Faults never burn retries: storage (Azurite, data on disk) stops for 30 s while events stream in and deliveries are
/// in flight, then starts again on the same ports, under the real server. Every accepted event must reach every
/// subscriber, nothing may be dead-lettered or poisoned, and no message may be received more often than the fault
/// backoff allows. The receive counts are reported.
/// </summary>
[Trait("Category", "Outage")]
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    private const string EventType = "outage.tick";
    private const int Subscribers = 4;
    private const int Events = 80;
    private const int Publishers = 3;
    private const int AcceptedBeforeOutage = 30;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ReceiverDelay = TimeSpan.FromMilliseconds(800);
    private static readonly TimeSpan SettlePatience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_30_second_storage_outage_mid_stream_delivers_everything_dead_letters_nothing_and_bounds_redeliveries()
    {
        // The queues go down with the tables: a held message whose release the outage took comes back once its
        // visibility ends, which is the one receive an outage can cost it beyond its fault retries.
        await using var storage = await SplitStorage.StartAsync(queuesStayUp: false);

        var run = await RunThroughOutageAsync(storage, maxDequeueCount: 20);

        Assert.InRange(run.MostReceived, 1, run.Bound);
    }

    [Fact]
    public async Task A_30_second_table_outage_with_the_queues_up_costs_fault_retries_not_receives_against_the_limit()
    {
        // Only tables and blobs stop; the queues answer, so every message keeps being received and faulting while the
        // tables are down. With a limit of 2 counted receives, counting those faults would dead-letter the backlog.
        await using var storage = await SplitStorage.StartAsync(queuesStayUp: true);

        var run = await RunThroughOutageAsync(storage, maxDequeueCount: 2);

        Assert.InRange(run.MostReceived, 1, run.Bound);
        Assert.True(run.MostReceived > 2, $"No message was received more than twice ({run.MostReceived}): the outage never made the limit matter.");
    }

    private async Task<OutageRun> RunThroughOutageAsync(SplitStorage storage, int maxDequeueCount)
    {
        var clock = Stopwatch.StartNew();
        var prefix = $"o{Guid.NewGuid():N}"[..12];
        using var receives = new DeliveryCountRecorder(prefix);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await RunningServer.StartOnStorageAsync(Settings(prefix, maxDequeueCount), storage.ConnectionString);
        var subscribers = new List<string>();
        for (var i = 0; i < Subscribers; i++)
        {
            await WebhookApi.SubscribeAsync(server.Client, receiver.Endpoint($"slow{i}", Behaviours.Slow(ReceiverDelay)), EventType);
            subscribers.Add($"slow{i}");
        }

        var accepted = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var publishing = PublishAsync(server.Client, accepted);
        await WaitUntilAsync(
            () => accepted.Count >= AcceptedBeforeOutage && receiver.InFlight > 0,
            TimeSpan.FromMinutes(2),
            () => $"accepted {accepted.Count}, webhooks received {receiver.Arrivals.Count}, in flight {receiver.InFlight}");
        var inFlightAtStop = receiver.InFlight;
        var outageStarted = clock.Elapsed;
        await storage.StopAsync();
        await Task.Delay(Outage);
        await storage.RestartAsync();
        var outageEnded = clock.Elapsed;
        await publishing;

        var pairs = accepted.Keys.SelectMany(eventId => subscribers.Select(endpoint => (Endpoint: endpoint, EventId: eventId))).ToList();
        var deadline = clock.Elapsed + SettlePatience;
        List<(string Endpoint, string EventId)> undelivered;
        while (true)
        {
            var delivered = receiver.Arrivals.Where(a => a.Succeeded).Select(a => (a.Endpoint, a.WebhookId)).ToHashSet();
            undelivered = pairs.Where(p => !delivered.Contains(p)).ToList();
            if (undelivered.Count == 0 || clock.Elapsed > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var settled = clock.Elapsed;
        var deadLetters = await WebhookApi.ListDeadLettersAsync(server.Client);
        var poisoned = await CountPoisonedAsync(storage.ConnectionString, prefix);
        var counts = receives.Receives;
        var redeliveries = counts.Where(r => r.DeliveryCount > 1).ToList();
        var mostReceived = counts.Max(r => r.DeliveryCount);

        // A message is received once, at most once more because an outage of the queue took its release (it then
        // reappears when its visibility ends), and otherwise only after a fault backoff: no more often than the
        // backoff's lower bounds fit into the time since the outage began.
        var bound = 2 + FaultBackoff.Default.MostRetriesWithin(settled - outageStarted);
        var successes = receiver.Arrivals.Where(a => a.Succeeded).ToList();
        var duplicates = successes.Count - successes.Select(a => (a.Endpoint, a.WebhookId)).Distinct().Count();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{storage.Describe()} down {Outage.TotalSeconds:0} s (back {(outageEnded - outageStarted).TotalSeconds:0.0} s after the stop began), {inFlightAtStop} webhooks in flight at the stop: events accepted {accepted.Count}, pairs {pairs.Count}, undelivered {undelivered.Count}, dead letters {deadLetters.Count}, poisoned {poisoned}; receives {counts.Count}, redeliveries {redeliveries.Count} ({string.Join(", ", redeliveries.GroupBy(r => r.Queue[prefix.Length..]).Select(g => $"{g.Key} {g.Count()}"))}), most receives of one message {mostReceived} (bound {bound}, counted-receive limit {maxDequeueCount}); duplicate webhooks {duplicates}; all delivered {(settled - outageEnded).TotalSeconds:0} s after storage was back"));

        Assert.Equal(Events, accepted.Count);
        Assert.True(undelivered.Count == 0, $"{undelivered.Count} of {pairs.Count} (subscriber, event) pairs were never delivered, e.g. {string.Join(", ", undelivered.Take(5))}.");
        Assert.Empty(deadLetters);
        Assert.Equal(0, poisoned);
        Assert.True(redeliveries.Count > 0, "No message was received twice: the outage caught no work in flight, so the run proves nothing.");
        return new OutageRun(mostReceived, bound);
    }

    private static Dictionary<string, string?> Settings(string prefix, int maxDequeueCount) => new()
    {
        ["Storage:NamePrefix"] = prefix,
        ["Delivery:AllowHttpUrls"] = "true",
        ["Egress:AllowedNetworks:0"] = "127.0.0.0/8",
        ["Delivery:AttemptTimeout"] = "00:00:05",
        ["EndpointHealth:FailureThreshold"] = "1000",
        ["Workers:MaxDequeueCount"] = maxDequeueCount.ToString(CultureInfo.InvariantCulture),
        // Held messages whose release an outage of the queue takes reappear when their visibility ends: seconds, not minutes.
        ["Workers:MessageVisibilityTimeout"] = VisibilityTimeout.ToString(),
        ["Workers:MaxPollDelay"] = "00:00:00.200",
        // Receive counts are what this test measures, so it runs on the fan-out path, where every message is received.
        // Publish's direct path hands its jobs over unreceived; CrashRecoveryTests stops storage under it.
        ["Publishing:DirectDelivery"] = "false",
    };

    /// <summary>
    /// Publishes <see cref="Events"/> events at a steady pace; each is retried with its Idempotency-Key until it is
    /// answered 202, as a client would while storage is down. Only a 202 counts as accepted.
    /// </summary>
    private static Task PublishAsync(HttpClient client, ConcurrentDictionary<string, byte> accepted) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, Events),
            new ParallelOptions { MaxDegreeOfParallelism = Publishers },
            async (_, ct) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                var key = Guid.NewGuid().ToString("N");
                while (true)
                {
                    try
                    {
                        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        attempt.CancelAfter(TimeSpan.FromSeconds(10));
                        if (await WebhookApi.TryPublishAsync(client, EventType, idempotencyKey: key, cancellationToken: attempt.Token) is { } eventId)
                        {
                            accepted[eventId] = 0;
                            return;
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                    {
                        // Storage is down and the request failed or hung: try again with the same key.
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                }
            });

    private static async Task<int> CountPoisonedAsync(string connectionString, string prefix)
    {
        var table = new TableServiceClient(connectionString).GetTableClient(prefix + "poisonmessages");
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            count++;
        }

        return count;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> state) =>
        await Eventually.ValueAsync(() => Task.FromResult(condition()), going => going, _ => $"the stream gets going before the outage: {state()}", timeout);

    private sealed record OutageRun(long MostReceived, int Bound);

    /// <summary>
    /// The server's storage account as two Azurites with data on disk: one serves tables and blobs, the other queues.
    /// An outage stops the first, or both; each restarts on its own ports with its data.
    /// </summary>
    private sealed class SplitStorage : IAsyncDisposable
    {
        private readonly DirectoryInfo dataDirectory;
        private readonly bool queuesStayUp;
        private AzuriteLauncher tables;
        private AzuriteLauncher queues;

        private SplitStorage(DirectoryInfo dataDirectory, bool queuesStayUp, AzuriteLauncher tables, AzuriteLauncher queues)
        {
            this.dataDirectory = dataDirectory;
            this.queuesStayUp = queuesStayUp;
            this.tables = tables;
            this.queues = queues;
        }

        /// <summary>Tables and blobs from one Azurite, queues from the other (same development account and key).</summary>
        public string ConnectionString => new AzuritePorts(tables.Ports.Blob, queues.Ports.Queue, tables.Ports.Table).ToConnectionString();

        public static async Task<SplitStorage> StartAsync(bool queuesStayUp)
        {
            var dataDirectory = Directory.CreateTempSubdirectory("webhooks-outage-");
            var tables = await AzuriteLauncher.StartOnFreePortsAsync(AzuritePorts.FindFree, Path.Combine(dataDirectory.FullName, "tables"), NullLogger.Instance, CancellationToken.None);
            var queues = await AzuriteLauncher.StartOnFreePortsAsync(AzuritePorts.FindFree, Path.Combine(dataDirectory.FullName, "queues"), NullLogger.Instance, CancellationToken.None);
            return new SplitStorage(dataDirectory, queuesStayUp, tables, queues);
        }

        public string Describe() => queuesStayUp ? "tables and blobs (queues up)" : "all storage";

        public async Task StopAsync()
        {
            await Task.WhenAll(Stopped().Select(azurite => azurite.StopGracefullyAsync(TimeSpan.FromSeconds(15))));
            foreach (var azurite in Stopped())
            {
                await azurite.DisposeAsync();
            }
        }

        public async Task RestartAsync()
        {
            tables = await RestartAsync(tables, "tables");
            if (!queuesStayUp)
            {
                queues = await RestartAsync(queues, "queues");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await tables.DisposeAsync();
            await queues.DisposeAsync();
            dataDirectory.Delete(recursive: true);
        }

        private AzuriteLauncher[] Stopped() => queuesStayUp ? [tables] : [tables, queues];

        private async Task<AzuriteLauncher> RestartAsync(AzuriteLauncher stopped, string data) =>
            await AzuriteLauncher.StartWhenPortsAreFreeAsync(stopped.Ports, Path.Combine(dataDirectory.FullName, data), TimeSpan.FromSeconds(30), NullLogger.Instance, CancellationToken.None);
    }
}
