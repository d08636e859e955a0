using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Development;
using WebhookFunctions.Testing.Receivers;
using Xunit.Abstractions;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>
/// Three self-hosted servers, each its own process, share one storage account (Azurite): their queues and tables.
/// Events are published across all three while one is killed (-9) mid-run; every accepted (event, subscription) pair
/// must be delivered, and two instances must never work on the same delivery at once. Duplicates are allowed
/// (at-least-once) and reported.
/// <para>
/// How the receiver tells the instances apart: nothing in a webhook names the instance that sent it, and nothing
/// should (the signed headers are the contract, and an instance name would tell every receiver about the
/// deployment). But each instance is a process with its own connection pool, and a TCP connection belongs to the one
/// process that opened it. The receiver runs on this machine, so for each new connection it looks up in Linux's
/// <c>/proc</c> which of the three server processes holds the client end (<see cref="SocketOwners"/>), while the
/// connection is open. A request the receiver gets to only after its sender gave up (the connection is gone) cannot
/// be placed and is counted as unidentified; every instance must be identified on some requests, so the check below
/// is never vacuous.
/// </para>
/// <para>
/// What "never at once" means: an instance holds a queue message invisible for the visibility timeout and renews it
/// every third of that while it works; another instance can receive the message only once a hold lapsed. So two
/// requests for the same webhook id at the same endpoint, sent by different instances, may overlap only if the
/// first had lasted longer than the visibility timeout. The attempt timeout (1 s) is far below the visibility
/// timeout (10 s), so here any overlap between instances is a violation. A retry is a new message, scheduled by the
/// instance that made the failed attempt once that attempt is over, so it cannot overlap it either. A killed
/// instance's requests end when it dies, and what it held reappears a visibility timeout later: a retry, never an
/// overlap; the duplicates it causes (deliveries made but not yet settled when it was killed) are counted apart.
/// </para>
/// </summary>
[Trait("Category", "Instances")]
public sealed class MultipleInstancesTests(ITestOutputHelper output)
{
    private const string ApiKey = "instances-test-key-of-at-least-32-characters";
    private const string EventType = "instances.tick";
    private const int Instances = 3;
    private const int KilledInstance = 1;
    private const int Events = 1000;
    private const int Publishers = 6;
    private const int AcceptedBeforeKill = 400;
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);
    // Bounds, not targets: on a quiet 2-core machine publishing takes about a minute and settling seconds more, but
    // three servers and Azurite share those cores with whatever else runs.
    private static readonly TimeSpan PublishPatience = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan SettlePatience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Three_instances_on_one_storage_deliver_every_accepted_event_once_at_a_time_although_one_is_killed()
    {
        Assert.True(SocketOwners.AreReadable, "This test tells instances apart through /proc/net/tcp (Linux).");
        var clock = Stopwatch.StartNew();
        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync(NullLogger.Instance, CancellationToken.None);
        var servers = Enumerable.Range(0, Instances).Select(_ => new ServerProcess(ServerEnvironment(azurite.Ports))).ToList();
        var serverProcessIds = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        WebhookReceiver? receiverReference = null;
        await using var receiver = receiverReference = await WebhookReceiver.StartAsync(client =>
            SocketOwners.OwnerOf(client, receiverReference!.BaseAddress.Port, serverProcessIds));
        var clients = new List<HttpClient>();
        try
        {
            await Task.WhenAll(servers.Select(server => server.StartAsync()));
            for (var i = 0; i < Instances; i++)
            {
                serverProcessIds[InstanceName(i)] = servers[i].ProcessId!.Value;
                clients.Add(ApiClient(servers[i].BaseAddress));
            }

            var subscriptions = await SubscribeAsync(clients[0], receiver);
            var accepted = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
            var publishing = PublishAcrossInstancesAsync(clients, accepted);

            await WaitUntilAsync(() => accepted.Count >= AcceptedBeforeKill || publishing.IsCompleted, () => $"{AcceptedBeforeKill} accepted events; {accepted.Count} were", PublishPatience);
            var killedAfterAccepted = accepted.Count;
            var killedAt = clock.Elapsed;
            await servers[KilledInstance].KillAsync();
            await WaitUntilAsync(() => publishing.IsCompleted, () => $"all {Events} events accepted; {accepted.Count} were, {clock.Elapsed - killedAt:c} after the kill at {killedAt:c}", PublishPatience);
            await publishing;
            var publishedAfter = clock.Elapsed;

            var pairs = accepted.Keys.SelectMany(eventId => subscriptions.Keys.Select(endpoint => (Endpoint: endpoint, EventId: eventId))).ToList();
            var missing = await UndeliveredAfterPatienceAsync(receiver, pairs);
            var settledAfter = clock.Elapsed;

            var arrivals = receiver.Arrivals.ToList();
            var successes = arrivals.Where(a => a.Succeeded).ToList();
            var duplicates = successes.Count - successes.Select(a => (a.Endpoint, a.WebhookId)).Distinct().Count();
            var duplicatedAfterTheKill = successes.GroupBy(a => (a.Endpoint, a.WebhookId))
                .Count(delivery => delivery.Count() > 1 && delivery.MinBy(a => a.ArrivedAt)!.Sender == InstanceName(KilledInstance));
            var overlaps = OverlapsBetweenInstances(arrivals);
            var bySender = arrivals.GroupBy(a => a.Sender ?? "unidentified").OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} {g.Count()}");
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"instances test: {Instances} instances, {InstanceName(KilledInstance)} killed after {killedAfterAccepted} accepted events; events accepted {accepted.Count} of {Events}, pairs {pairs.Count}, delivered {pairs.Count - missing.Count}, lost {missing.Count}, duplicates {duplicates} (deliveries first made by the killed instance {duplicatedAfterTheKill}); receiver requests {arrivals.Count} ({string.Join(", ", bySender)}); overlapping requests of one delivery from two instances {overlaps.Count}; published after {publishedAfter.TotalSeconds:0} s, settled after {settledAfter.TotalSeconds:0} s"));

            Assert.Equal(Events, accepted.Count);
            Assert.True(missing.Count == 0, $"{missing.Count} accepted (event, subscription) pairs were not delivered, e.g. {string.Join(", ", missing.Take(5))}. Dead letters: {(await WebhookApi.ListDeadLettersAsync(clients[0])).Count}. Output of {InstanceName(0)}: {servers[0].RecentOutput()}");
            Assert.True(overlaps.Count == 0, $"Two instances had the same delivery in flight at once: {string.Join("; ", overlaps.Take(5))}");
            // The overlap check saw every instance: each one's requests were told apart from the others'.
            Assert.All(Enumerable.Range(0, Instances), i => Assert.Contains(arrivals, a => a.Sender == InstanceName(i)));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static string InstanceName(int index) => $"instance{index}";

    private static Dictionary<string, string> ServerEnvironment(AzuritePorts ports)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Storage__ConnectionString"] = ports.ToConnectionString(),
            ["Storage__NamePrefix"] = "instances",
            ["Api__Keys__0"] = ApiKey,
            ["Delivery__AllowHttpUrls"] = "true",
            ["Egress__AllowedNetworks__0"] = "127.0.0.0/8",
            ["Delivery__AttemptTimeout"] = AttemptTimeout.ToString("c", CultureInfo.InvariantCulture),
            // The receivers that fail every first attempt fail half their requests, in runs as long as the deliveries
            // in flight: at the default threshold (5) their circuits would open again and again in every instance,
            // and the test would measure circuit pauses. Circuits are tested on their own; here they rarely open,
            // and when a long run does open one (a loaded machine), it stays open seconds, not the default minutes.
            ["EndpointHealth__FailureThreshold"] = "50",
            ["EndpointHealth__OpenDuration"] = "00:00:02",
            ["EndpointHealth__MaxOpenDuration"] = "00:00:04",
            // What the killed instance held reappears when its visibility ends: seconds, not the default minutes.
            ["Workers__MessageVisibilityTimeout"] = VisibilityTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Workers__RetryDelayAfterError"] = "00:00:02",
            ["Workers__MaxPollDelay"] = "00:00:00.200",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        // Eight attempts: a receiver failing 17 % of attempts at random fails all eight for one of about 1.4 million.
        string[] schedule = ["00:00:00", "00:00:01", "00:00:01", "00:00:02", "00:00:02", "00:00:03", "00:00:03", "00:00:03"];
        for (var i = 0; i < schedule.Length; i++)
        {
            environment[$"Delivery__RetrySchedule__{i}"] = schedule[i];
        }

        return environment;
    }

    private static HttpClient ApiClient(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>
    /// Five subscribers: two healthy, two that fail the first attempt of every webhook with 500, and one that fails
    /// 15 % of requests and hangs on 2 % at random. Returns the subscription ids by endpoint name.
    /// </summary>
    private static async Task<Dictionary<string, string>> SubscribeAsync(HttpClient client, WebhookReceiver receiver)
    {
        var answers = new Dictionary<string, Answer>(StringComparer.Ordinal)
        {
            ["healthy0"] = Behaviours.Healthy,
            ["healthy1"] = Behaviours.Healthy,
            ["firstFails0"] = FailsFirstAttempt(),
            ["firstFails1"] = FailsFirstAttempt(),
            ["flaky"] = Behaviours.Flaky(failRate: 0.15, hangRate: 0.02),
        };
        var subscriptions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, answer) in answers)
        {
            subscriptions[name] = await WebhookApi.SubscribeAsync(client, receiver.Endpoint(name, answer), EventType);
        }

        return subscriptions;
    }

    /// <summary>500 for the first request of each webhook id, 200 for every later one.</summary>
    private static Answer FailsFirstAttempt()
    {
        var seen = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        return Answer.With(context =>
        {
            context.Response.StatusCode = seen.TryAdd(context.Request.Headers["webhook-id"].ToString(), 0) ? 500 : 200;
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Publishes <see cref="Events"/> events, each first to the instance its number picks (so every instance takes a
    /// third), retried with its Idempotency-Key on the next instance when one fails to answer 202, as a client behind
    /// a load balancer would. Only a 202 counts as accepted.
    /// </summary>
    private static Task PublishAcrossInstancesAsync(List<HttpClient> clients, ConcurrentDictionary<string, byte> accepted) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, Events),
            new ParallelOptions { MaxDegreeOfParallelism = Publishers },
            async (i, ct) =>
            {
                var key = Guid.NewGuid().ToString("N");
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        if (await WebhookApi.TryPublishAsync(clients[(i + attempt) % clients.Count], EventType, idempotencyKey: key, cancellationToken: ct) is { } eventId)
                        {
                            accepted[eventId] = 0;
                            return;
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                    {
                        // That instance is down or died mid-request: the next one gets the same key.
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
                }
            });

    /// <summary>Waits (bounded) until every pair has a successful arrival; returns those that never got one.</summary>
    private static async Task<List<(string Endpoint, string EventId)>> UndeliveredAfterPatienceAsync(WebhookReceiver receiver, List<(string Endpoint, string EventId)> pairs)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var delivered = receiver.Arrivals.Where(a => a.Succeeded).Select(a => (a.Endpoint, a.WebhookId)).ToHashSet();
            var missing = pairs.Where(pair => !delivered.Contains(pair)).ToList();
            if (missing.Count == 0 || deadline.Elapsed > SettlePatience)
            {
                return missing;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> what, TimeSpan patience)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > patience)
            {
                throw new TimeoutException($"Not within {patience.TotalSeconds} s: {what()}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>
    /// Requests for the same webhook id at the same endpoint, from two different instances, where the later began
    /// while the earlier was still in flight at its sender and had not yet lasted the visibility timeout. The receiver
    /// notices a sender that hung up only when it next touches the connection, which under load can be long after;
    /// but the sender sent before the request arrived, and its attempt timeout ended the request at the latest one
    /// attempt timeout later: that bound, not the receiver's late notice, is where a given-up request ends.
    /// </summary>
    private static List<string> OverlapsBetweenInstances(IEnumerable<Arrival> arrivals) =>
        arrivals
            .Where(a => a.Sender is not null)
            .GroupBy(a => (a.Endpoint, a.WebhookId))
            .SelectMany(delivery =>
            {
                var ordered = delivery.OrderBy(a => a.ArrivedAt).ToList();
                return ordered.SelectMany((earlier, i) => ordered.Skip(i + 1)
                    .Where(later => later.Sender != earlier.Sender
                        && later.ArrivedAt < EndAtSender(earlier)
                        && later.ArrivedAt - earlier.ArrivedAt < VisibilityTimeout)
                    .Select(later => string.Create(
                        CultureInfo.InvariantCulture,
                        $"{delivery.Key.WebhookId} at {delivery.Key.Endpoint}: {earlier.Sender} {earlier.ArrivedAt:HH:mm:ss.fff}–{earlier.EndedAt:HH:mm:ss.fff} (status {earlier.Status}), {later.Sender} from {later.ArrivedAt:HH:mm:ss.fff}")));
            })
            .ToList();

    private static DateTimeOffset EndAtSender(Arrival arrival) =>
        arrival.EndedAt < arrival.ArrivedAt + AttemptTimeout ? arrival.EndedAt : arrival.ArrivedAt + AttemptTimeout;
}
