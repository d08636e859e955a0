using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebhookFunctions.Engine;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Retention;

/// <summary>Self-hosted dead letters with <c>Retention:DeadLetters</c> set, on Azurite with a clock the test moves.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeadLetterRetentionTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Kept = TimeSpan.FromDays(7);

    [Fact]
    public async Task Dead_letters_past_their_retention_are_removed_and_younger_ones_stay()
    {
        var rig = await RetentionRig.CreateAsync(azurite, deadLetters: Kept);
        await rig.DeadLetterAsync("evt-old", "sub-a");
        await rig.DeadLetterAsync("evt-old", "sub-b");
        rig.Clock.Advance(TimeSpan.FromDays(5));
        await rig.DeadLetterAsync("evt-young", "sub-a");
        rig.Clock.Advance(TimeSpan.FromDays(3)); // old: 8 days, young: 3 days.

        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.Equal(new RemovedRecords(DeadLetters: 2), report.Removed);
        Assert.Equal(["evt-young sub-a"], await rig.ListedDeadLettersAsync());
        Assert.Equal(["deadletter|20260115/sub-a|evt-young"], await rig.DeadLetterScheduleRowsAsync());

        rig.Clock.Advance(TimeSpan.FromDays(5));
        Assert.Equal(new RemovedRecords(DeadLetters: 1), (await rig.Sweeper(azurite).SweepAsync(CancellationToken.None)).Removed);
        Assert.Empty(await rig.ListedDeadLettersAsync());
        Assert.Empty(await rig.DeadLetterScheduleRowsAsync());
    }

    [Fact]
    public async Task A_dead_letter_removed_by_the_sweep_is_missing_to_replay_and_purge()
    {
        var rig = await RetentionRig.CreateAsync(azurite, deadLetters: Kept);
        await rig.DeadLetterAsync("evt-old");
        rig.Clock.Advance(TimeSpan.FromDays(8));
        await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);
        var requeued = new List<string>();

        var replay = await rig.DeadLetters.ReplayAsync(new DeadLetterFilter(EventId: "evt-old"), dryRun: false, (d, _) => { requeued.Add(d.EventId); return Task.FromResult(true); }, CancellationToken.None);
        var purge = await rig.DeadLetters.PurgeAsync(new DeadLetterFilter(EventId: "evt-old"), 10, null, dryRun: false, CancellationToken.None);

        Assert.Equal(new ReplayCount(0, 0), replay);
        Assert.Empty(requeued);
        Assert.Equal(new PurgeReport(0, 0, null), purge);
    }

    [Fact]
    public async Task A_replay_whose_dead_letter_the_sweep_removes_meanwhile_still_counts_it_replayed()
    {
        var rig = await RetentionRig.CreateAsync(azurite, deadLetters: Kept);
        await rig.DeadLetterAsync("evt-old");
        rig.Clock.Advance(TimeSpan.FromDays(8));
        var removedMeanwhile = new RemovedRecords();

        var replay = await rig.DeadLetters.ReplayAsync(
            new DeadLetterFilter(),
            dryRun: false,
            async (_, token) =>
            {
                removedMeanwhile = (await rig.Sweeper(azurite).SweepAsync(token)).Removed;
                return true;
            },
            CancellationToken.None);

        Assert.Equal(new RemovedRecords(DeadLetters: 1), removedMeanwhile);
        Assert.Equal(new ReplayCount(1, 1), replay);
        Assert.Empty(await rig.ListedDeadLettersAsync());
    }

    [Fact]
    public async Task A_delivery_dead_lettered_again_counts_from_its_newer_dead_letter()
    {
        var rig = await RetentionRig.CreateAsync(azurite, deadLetters: Kept);
        await rig.DeadLetterAsync("evt-1");
        rig.Clock.Advance(TimeSpan.FromDays(5));
        await rig.DeadLetterAsync("evt-1"); // Replayed, failed again: the same row, parked anew.
        rig.Clock.Advance(TimeSpan.FromDays(3));

        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.Equal(new RemovedRecords(), report.Removed);
        Assert.Equal(["evt-1 sub-a"], await rig.ListedDeadLettersAsync());
        Assert.Equal(["deadletter|20260115/sub-a|evt-1"], await rig.DeadLetterScheduleRowsAsync()); // The first day's row named nothing expired and is gone.
    }

    [Fact]
    public async Task Without_a_dead_letter_retention_dead_letters_get_no_schedule_rows_and_stay()
    {
        var rig = await RetentionRig.CreateAsync(azurite);
        await rig.DeadLetterAsync("evt-1");
        rig.Clock.Advance(TimeSpan.FromDays(400));

        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.Equal(new RemovedRecords(), report.Removed);
        Assert.Empty(await rig.DeadLetterScheduleRowsAsync());
        Assert.Equal(["evt-1 sub-a"], await rig.ListedDeadLettersAsync());
    }

    [Fact]
    public async Task Dead_letters_parked_while_they_were_kept_expire_once_a_retention_is_set()
    {
        var rig = await RetentionRig.CreateAsync(azurite);
        await rig.DeadLetterAsync("evt-kept");
        await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        rig.Options.DeadLetters = Kept;
        await rig.DeadLetterAsync("evt-scheduled");
        Assert.Equal(["deadletter|20260110/sub-a|evt-scheduled"], await rig.DeadLetterScheduleRowsAsync());
        rig.Clock.Advance(TimeSpan.FromDays(8));
        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.Equal(new RemovedRecords(DeadLetters: 2), report.Removed);
        Assert.Equal(2, report.Backfilled); // Both read by the backfill; evt-kept had no row until then.
        Assert.Empty(await rig.ListedDeadLettersAsync());
    }

    [Fact]
    public async Task A_sole_recipient_event_whose_job_hit_the_redelivery_limit_unlogged_is_still_swept()
    {
        var rig = await RetentionRig.CreateAsync(azurite);
        var acceptedAt = rig.Clock.GetUtcNow();
        await rig.Events.TryAddAsync(new WebhookEvent("evt-1", "order.created", acceptedAt, null, null, "{}"u8.ToArray(), null, AcceptedAt: acceptedAt, SoleRecipient: "sub-a"), CancellationToken.None);
        Assert.Empty(await rig.ScheduleRowsAsync());
        rig.Clock.Advance(TimeSpan.FromHours(13)); // Past midnight: the row is dated when the job was given up.
        var job = new DeliveryJob("evt-1", "order.created", ["sub-a"], 1, null);

        foreach (var deadLetter in RedeliveryLimitDeadLetters.For(job, "received 21 times without being completed", acceptedAt, rig.Clock.GetUtcNow()))
        {
            await rig.DeadLetters.AddAsync(deadLetter, CancellationToken.None);
        }

        Assert.Equal(["event|20260111/evt-1"], await rig.ScheduleRowsAsync());
        rig.Clock.Advance(TimeSpan.FromDays(31));
        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);
        Assert.Equal(1, report.Removed.Events);
        Assert.Empty(await rig.RowsAsync(rig.Storage.Names.EventsTable));
    }

    [Fact]
    public async Task The_self_hosted_registration_schedules_dead_letters_when_a_retention_is_set()
    {
        var prefix = "dlr" + Guid.NewGuid().ToString("N")[..8];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:NamePrefix"] = prefix,
            ["Retention:DeadLetters"] = "7.00:00:00",
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddWebhookEngine(configuration).AddStorageQueueTransport(configuration).BuildServiceProvider();
        await services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(CancellationToken.None);
        var parkedAt = DateTimeOffset.UtcNow;

        await services.GetRequiredService<DeadLetterTableStore>().AddAsync(
            new DeadLetter("evt-1", "sub-a", "order.created", DeadLetterReason.EndpointGone, "gone", 1, parkedAt, parkedAt, 410, null, null),
            CancellationToken.None);

        var expiry = services.GetRequiredService<Azure.Data.Tables.TableServiceClient>().GetTableClient(new StorageNames(prefix).ExpiryTable);
        var rows = new List<string>();
        await foreach (var entity in expiry.QueryAsync<Azure.Data.Tables.TableEntity>($"PartitionKey ge 'deadletter|' and PartitionKey lt 'deadletter}}'"))
        {
            rows.Add($"{entity.PartitionKey}/{entity.RowKey}");
        }

        Assert.Contains(Assert.Single(rows), new[] { parkedAt, DateTimeOffset.UtcNow }.Select(day => $"deadletter|{day:yyyyMMdd}/sub-a|evt-1")); // Either side of midnight.
    }
}
