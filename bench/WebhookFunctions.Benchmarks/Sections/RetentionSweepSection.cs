using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Engine;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Storage;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>
/// (10) Expiring one day of delivery-log entries. Through the real stores on a moved clock: a day of events (each
/// delivered to 5 subscriptions in two attempts: 10 entries) and their log, then newer events and log entries in the same subscriptions' partitions; then,
/// past the day's retention, sweeps until nothing is due, with every storage request counted. Run with no newer data
/// and with as much newer data as expired: the count depends on what expires, not on what stays. The sweep's one-off
/// backfill (which reads every table once, to schedule records older than the schedule) is run to its end first and
/// counted apart: it depends on the size of the tables, once, not on each sweep.
/// </summary>
internal static class RetentionSweepSection
{
    public const string Name = "10 Retention sweep";
    private const int EntriesPerEvent = 10;
    private const int SeedConcurrency = 32;
    private static readonly DateTimeOffset Day = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(BenchSettings settings, string connectionString, Development.AzuritePorts ports, ResultTable table)
    {
        foreach (var newerEntries in settings.RetentionNewerEntries ?? [0, settings.RetentionEntries])
        {
            await RunOneAsync(settings.RetentionEntries, newerEntries, connectionString, ports, table);
        }
    }

    private static async Task RunOneAsync(int expiredEntries, int newerEntries, string connectionString, Development.AzuritePorts ports, ResultTable table)
    {
        var clock = new MovableClock(Day.AddHours(1));
        var counter = new StorageOperationCounter(ports);
        await using var services = Services(connectionString, clock, counter);
        await services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(CancellationToken.None);
        var events = services.GetRequiredService<IEventStore>();
        var log = services.GetRequiredService<IDeliveryLog>();

        var seeding = Stopwatch.StartNew();
        await SeedAsync(events, log, clock, "old", expiredEntries / EntriesPerEvent);
        clock.Now = Day.AddDays(10);
        await SeedAsync(events, log, clock, "new", newerEntries / EntriesPerEvent);
        var seeded = seeding.Elapsed;

        clock.Now = Day.AddDays(31) + TimeSpan.FromHours(1);
        var sweeper = services.GetRequiredService<RetentionSweeper>();
        var label = string.Create(CultureInfo.InvariantCulture, $"{expiredEntries:N0} expired entries, {newerEntries:N0} newer");
        await BackfillAsync(sweeper, counter, label, table);

        var before = counter.Snapshot();
        var sweeping = Stopwatch.StartNew();
        var removed = new RemovedRecords();
        var runs = 0;
        SweepReport report;
        do
        {
            report = await sweeper.SweepAsync(CancellationToken.None);
            removed += report.Removed;
            runs++;
        }
        while (report.MoreDue);

        var elapsed = sweeping.Elapsed;
        var operations = StorageOperationCounter.Difference(before, counter.Snapshot());
        var total = operations.Sum(o => o.Value);
        var breakdown = Breakdown(operations);
        table.Add(Name, $"{label}: storage operations", total, "ops", $"{breakdown}; removed {removed.Events:N0} events, {removed.DeliveryLogEntries:N0} entries (two copies each) in {runs} sweeps");
        table.Add(Name, $"{label}: operations per expired entry", total / (double)Math.Max(1, removed.DeliveryLogEntries), "ops/entry", "");
        table.Add(Name, $"{label}: sweep time", elapsed.TotalSeconds, "s", string.Create(CultureInfo.InvariantCulture, $"seeding took {seeded.TotalSeconds:0} s"));
        if (removed.DeliveryLogEntries != expiredEntries)
        {
            throw new InvalidOperationException($"The sweep removed {removed.DeliveryLogEntries} entries, not the {expiredEntries} that expired.");
        }
    }

    /// <summary>Runs the backfill to its end (every record here has its schedule row already: it rewrites them), counted.</summary>
    private static async Task BackfillAsync(RetentionSweeper sweeper, StorageOperationCounter counter, string label, ResultTable table)
    {
        var before = counter.Snapshot();
        var backfilling = Stopwatch.StartNew();
        long scheduled = 0;
        bool more;
        do
        {
            (var pageScheduled, more) = await sweeper.BackfillAsync(CancellationToken.None);
            scheduled += pageScheduled;
        }
        while (more);

        var operations = StorageOperationCounter.Difference(before, counter.Snapshot());
        table.Add(Name, $"{label}: one-off backfill, storage operations", operations.Sum(o => o.Value), "ops",
            string.Create(CultureInfo.InvariantCulture, $"{Breakdown(operations)}; {scheduled:N0} schedule entries written in {backfilling.Elapsed.TotalSeconds:0} s"));
    }

    private static string Breakdown(IReadOnlyDictionary<string, long> operations) =>
        string.Join(", ", operations.Where(o => o.Value > 0).OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value:N0}"));

    private static ServiceProvider Services(string connectionString, TimeProvider clock, StorageOperationCounter counter)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:NamePrefix"] = $"r{Guid.NewGuid():N}"[..12],
            ["Retention:MaxPagesPerSweep"] = "1000",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(clock);
        services.AddSingleton(new StoragePipelinePolicy(counter));
        services.AddWebhookEngine(configuration).AddAzureStorageStores(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Events accepted now, each delivered to the same 5 subscriptions (a failed attempt, then a delivered one, an hour apart).</summary>
    private static Task SeedAsync(IEventStore events, IDeliveryLog log, MovableClock clock, string prefix, int count)
    {
        var acceptedAt = clock.Now;
        return Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = SeedConcurrency }, async (i, token) =>
        {
            var eventId = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}");
            await events.TryAddAsync(new WebhookEvent(eventId, "order.created", acceptedAt, null, null, "{\"n\":1}"u8.ToArray(), null, AcceptedAt: acceptedAt), token);
            var attempts = Enumerable.Range(0, EntriesPerEvent / 2).SelectMany(s => new[]
            {
                new DeliveryAttempt(eventId, $"sub-{s}", 1, acceptedAt, 10, AttemptOutcome.Failed, 503, null, null, acceptedAt.AddHours(1), acceptedAt),
                new DeliveryAttempt(eventId, $"sub-{s}", 2, acceptedAt.AddHours(1), 10, AttemptOutcome.Delivered, 200, null, null, null, acceptedAt),
            }).ToList();
            await log.AppendAsync(attempts, token);
        });
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
