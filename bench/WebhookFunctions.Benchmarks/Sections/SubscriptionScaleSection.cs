using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>
/// (8) Subscriptions at platform scale. For each total (2,000 and 200,000 by default): tenants of 4 subscriptions each
/// plus tenant-less ones (1 per 200), seeded with batch upserts as layout 1 wrote them (subscriptions only), so the
/// server's start-up migration builds the index and is timed too. Then events at a fixed rate to random tenants, each
/// matching 3 of its tenant's 4 subscriptions (exact type, prefix, "*"), while subscriptions are created through the
/// API. Reported per total: storage operations per fan-out (all kinds, and table reads), how many pages of the
/// subscriptions partition were read (what a full read costs, the old snapshot's reload), publish→delivery p50/p95,
/// and the process's peak working set and what it retains after a full collection at the end (this process holds the
/// benchmark, its receiver and the server). What one partition query costs the emulator on the table at that size is
/// probed before the load, and its stalls during it: what bounds the latency on Azurite.
/// </summary>
internal static class SubscriptionScaleSection
{
    public const string Name = "8 Subscriptions at scale";
    private const int SubscriptionsPerTenant = 4;
    private const int TenantlessPerThousand = 5;
    private const string EventType = "invoice.paid";
    private static readonly string[] TenantPatterns = ["invoice.paid", "invoice.*", "*", "order.created"];

    public static async Task RunAsync(BenchSettings settings, string connectionString, Development.AzuritePorts ports, LoopbackReceiver receiver, ResultTable table)
    {
        foreach (var total in settings.ScaleTotals)
        {
            await RunOneAsync(settings, total, connectionString, ports, receiver, table);
        }
    }

    private static async Task RunOneAsync(BenchSettings settings, int total, string connectionString, Development.AzuritePorts ports, LoopbackReceiver receiver, ResultTable table)
    {
        var label = total.ToString("N0", CultureInfo.InvariantCulture);
        var prefix = $"s{Guid.NewGuid():N}"[..12];
        var tenantless = total * TenantlessPerThousand / 1000;
        var tenants = (total - tenantless) / SubscriptionsPerTenant;
        var pathPrefix = $"/scale/{prefix}/";

        var seeding = Stopwatch.StartNew();
        var tables = new TableServiceClient(connectionString);
        var subscriptionsTable = tables.GetTableClient(prefix + "subscriptions");
        await subscriptionsTable.CreateIfNotExistsAsync();
        await SeedAsLayoutOneAsync(subscriptionsTable, tenants, tenantless, new Uri(receiver.BaseAddress, pathPrefix));
        table.Add(Name, $"{label}: seeding (batch upserts, layout 1)", seeding.Elapsed.TotalSeconds, "s", $"{tenants:N0} tenants × {SubscriptionsPerTenant} + {tenantless:N0} tenant-less");
        var fullReadPages = await CountPagesAsync(subscriptionsTable);

        var counter = new StorageOperationCounter(ports);
        var starting = Stopwatch.StartNew();
        await using var server = await BenchServer.StartAsync(connectionString, counter, prefix, settings.PathSettings);
        table.Add(Name, $"{label}: server start incl. index migration", starting.Elapsed.TotalSeconds, "s", "layout 1 → 3, logged by the server");
        var (partitionQueryMs, pointReadMs) = await TableQueryCostProbe.MeasureAsync(subscriptionsTable);
        table.Add(Name, $"{label}: Azurite, one partition query of this table, idle", partitionQueryMs, "ms",
            string.Create(CultureInfo.InvariantCulture, $"p50 of 30, the shape of an index lookup; a point read: {pointReadMs:0.0} ms (Azurite filters every row of the table for a query, and reads a key through its index)"));

        await using var workingSet = new PeakWorkingSet();
        var runId = Guid.NewGuid().ToString("N")[..6];
        var scheduledAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var events = (int)(settings.ScaleEventsPerSecond * settings.ScaleDuration.TotalSeconds);
        var random = new Random(total);
        var targets = Enumerable.Range(0, events).Select(_ => random.Next(tenants)).ToArray();
        var before = counter.Snapshot();
        var probe = await AzuriteStallProbe.StartAsync(connectionString);

        long failedPublishes = 0;
        var publishing = LoadDrivers.OpenLoopAsync(settings.ScaleEventsPerSecond, events, async (i, scheduled) =>
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"evt_{runId}_{i}");
            try
            {
                await server.PublishAsync(id, EventType, EndToEndSection.DataJson, tenantId: TenantOf(targets[i]));
                scheduledAt[id] = scheduled;
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                // Counted and reported: a rejected publish is part of what this load does to the server.
                Interlocked.Increment(ref failedPublishes);
            }
        });
        var creating = CreateDuringRunAsync(server, settings.ScaleCreatesDuringRun, new Uri(receiver.BaseAddress, $"/scale-new/{prefix}/"));
        await Task.WhenAll(publishing, creating);
        var failedCreates = await creating;

        var expected = scheduledAt.Count * 3;
        var allArrived = await EndToEndSection.WaitForAsync(() => receiver.CountUnder(pathPrefix) >= expected, TimeSpan.FromSeconds(120));
        var operations = StorageOperationCounter.Difference(before, counter.Snapshot());
        await probe.DisposeAsync();
        var arrivals = receiver.ArrivalsUnder(pathPrefix).Where(a => scheduledAt.ContainsKey(a.Key.Id)).ToList();
        var latencies = new Percentiles(arrivals.Select(a => Stopwatch.GetElapsedTime(scheduledAt[a.Key.Id], a.Value).TotalMilliseconds));

        var perEvent = operations.Where(o => o.Key != OperationKinds.QueueReceive).Sum(o => o.Value) / (double)Math.Max(1, scheduledAt.Count);
        var readsPerEvent = (operations.GetValueOrDefault(OperationKinds.TableRead) + operations.GetValueOrDefault(OperationKinds.SubscriptionsFullRead)) / (double)Math.Max(1, scheduledAt.Count);
        table.Add(Name, $"{label}: storage operations per fan-out", perEvent, "ops/event", $"all kinds but polling receives, {arrivals.Count:N0}/{expected:N0} deliveries{(allArrived ? "" : " (timed out)")}{(failedPublishes == 0 ? "" : $"; {failedPublishes:N0} of {events:N0} publishes FAILED")}");
        table.Add(Name, $"{label}: table reads per fan-out", readsPerEvent, "ops/event", "index lookups and point reads, cached per lookup");
        table.Add(Name, $"{label}: subscriptions-partition pages read during the run", operations.GetValueOrDefault(OperationKinds.SubscriptionsFullRead), "requests", $"with {settings.ScaleCreatesDuringRun:N0} subscriptions created meanwhile{(failedCreates == 0 ? "" : $" ({failedCreates:N0} of them FAILED)")}; target 0");
        table.Add(Name, $"{label}: one full read of every subscription", fullReadPages, "requests", $"what the old snapshot cost per reload (every 5 s per instance, and after every write): {fullReadPages / (settings.ScaleEventsPerSecond * 5):0.##} per event at {settings.ScaleEventsPerSecond:0}/s from the timer alone");
        table.Add(Name, $"{label}: publish→delivery p50", latencies.At(50), "ms");
        table.Add(Name, $"{label}: publish→delivery p95", latencies.At(95), "ms");
        table.Add(Name, $"{label}: longest Azurite call during the run (side probe)", Math.Max(probe.LongestQueueCall.TotalMilliseconds, probe.LongestTableCall.TotalMilliseconds), "ms",
            string.Create(CultureInfo.InvariantCulture, $"a queue call and a point read every 100 ms on their own queue and table: longest queue call {probe.LongestQueueCall.TotalMilliseconds:0} ms, table {probe.LongestTableCall.TotalMilliseconds:0} ms"));
        table.Add(Name, $"{label}: peak working set (whole benchmark process)", workingSet.PeakBytes / 1048576.0, "MiB", "target < 300 MiB for the server alone; includes the start-up migration and the seeding");
        var (retainedHeap, retainedWorkingSet) = RetainedMemory.Measure();
        table.Add(Name, $"{label}: managed heap retained at the end (whole benchmark process)", retainedHeap, "MiB", "after a full compacting collection, the server still running: what it keeps, which must not grow with the total");
        table.Add(Name, $"{label}: working set at the end (whole benchmark process)", retainedWorkingSet, "MiB", "after the same collection");
        table.AddDetail($"scale {total} operations", operations);
    }

    private static string TenantOf(int index) => string.Create(CultureInfo.InvariantCulture, $"tenant-{index:D6}");

    /// <summary>What layout 1's store wrote for each subscription, 100 to a transaction (one partition holds them all).</summary>
    private static async Task SeedAsLayoutOneAsync(TableClient table, int tenants, int tenantless, Uri receiver)
    {
        var now = DateTimeOffset.UtcNow;
        var entities = Enumerable.Range(0, tenants)
            .SelectMany(t => TenantPatterns.Select((pattern, k) => Entity($"sub_{t:D6}_{k}", TenantOf(t), pattern, new Uri(receiver, $"{t}/{k}"), now)))
            .Concat(Enumerable.Range(0, tenantless).Select(i => Entity($"sub_none_{i:D6}", null, "invoice.*", new Uri(receiver, $"none/{i}"), now)));
        await Parallel.ForEachAsync(
            entities.Chunk(100),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (batch, token) => await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), token));
    }

    private static TableEntity Entity(string id, string? tenantId, string pattern, Uri url, DateTimeOffset now) => new("subscription", id)
    {
        ["Url"] = url.AbsoluteUri,
        ["TenantId"] = tenantId,
        ["EventTypes"] = $"[\"{pattern}\"]",
        ["Headers"] = "{}",
        ["Status"] = "Enabled",
        ["Secrets"] = """[{"value":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw","expiresAt":null}]""",
        ["CreatedAt"] = now,
        ["UpdatedAt"] = now,
    };

    private static async Task<int> CountPagesAsync(TableClient table)
    {
        var pages = 0;
        await foreach (var unused in table.QueryAsync<TableEntity>("PartitionKey eq 'subscription'", maxPerPage: 1000, select: ["RowKey"]).AsPages())
        {
            pages++;
        }

        return pages;
    }

    /// <summary>Creates <paramref name="count"/> subscriptions through the API; returns how many failed.</summary>
    private static async Task<int> CreateDuringRunAsync(RunningServer server, int count, Uri receiver)
    {
        var failed = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (i, _) =>
            {
                try
                {
                    await server.SubscribeAsync(new Uri(receiver, i.ToString(CultureInfo.InvariantCulture)), "invoice.paid", tenantId: $"tenant-new-{i}");
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failed);
                }
            });
        return failed;
    }
}
