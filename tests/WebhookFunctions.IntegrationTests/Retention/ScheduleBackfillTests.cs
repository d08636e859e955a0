using WebhookFunctions.Engine.Retention;
using WebhookFunctions.IntegrationTests.Infrastructure;

namespace WebhookFunctions.IntegrationTests.Retention;

/// <summary>
/// Records stored without expiry schedule rows (written before the schedule existed) are scheduled by the sweep's
/// backfill, and those past retention removed, on Azurite with a clock the test moves.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScheduleBackfillTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan DeadLettersKept = TimeSpan.FromDays(7);

    [Fact]
    public async Task Records_written_without_schedule_rows_are_swept_once_the_backfill_has_scheduled_them()
    {
        var rig = await RetentionRig.CreateAsync(azurite, deadLetters: DeadLettersKept);
        var names = rig.Storage.Names;
        await rig.PublishAsync("old-1");
        await rig.DeliverAsync("old-1", RetentionRig.Start, "sub-a", "sub-b");
        await rig.Log.AppendAsync([RetentionRig.Attempt("gone-1", "sub-a", 1, rig.Clock.GetUtcNow(), null, Engine.Delivery.AttemptOutcome.Skipped)], CancellationToken.None);
        await rig.IdempotencyKeys.TryRecordAsync("key-old", "old-1", rig.Clock.GetUtcNow(), TimeSpan.FromHours(24), CancellationToken.None);
        await rig.DeadLetterAsync("old-1");
        rig.Clock.Advance(TimeSpan.FromDays(20));
        var youngAcceptedAt = rig.Clock.GetUtcNow();
        await rig.PublishAsync("young-1");
        await rig.DeliverAsync("young-1", youngAcceptedAt, "sub-a");
        await rig.ForgetScheduleAsync();
        rig.Clock.Advance(TimeSpan.FromDays(11)); // old: 31 days, young: 11 days.

        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.Equal(new RemovedRecords(Events: 1, DeliveryLogEntries: 5, IdempotencyRecords: 1, DeadLetters: 1), report.Removed);
        Assert.False(report.MoreDue);
        Assert.Equal(["young-1/"], await rig.RowsAsync(names.EventsTable));
        Assert.Equal(["young-1/sub-a|00001", "young-1/sub-a|00002"], await rig.RowsAsync(names.DeliveryAttemptsTable));
        Assert.Equal(2, (await rig.RowsAsync(names.SubscriptionDeliveriesTable)).Count);
        Assert.Empty(await rig.RowsAsync(names.IdempotencyTable));
        Assert.Empty(await rig.ListedDeadLettersAsync());
        Assert.Equal(["event|20260130/young-1"], await rig.ScheduleRowsAsync());

        rig.Clock.Advance(TimeSpan.FromDays(20));
        var later = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.Equal(new RemovedRecords(Events: 1, DeliveryLogEntries: 2), later.Removed);
        Assert.Equal(0, later.Backfilled);
        Assert.Empty(await rig.RowsAsync(names.EventsTable));
        Assert.Empty(await rig.RowsAsync(names.DeliveryAttemptsTable));
        Assert.Empty(await rig.RowsAsync(names.SubscriptionDeliveriesTable));
        Assert.Empty(await rig.ScheduleRowsAsync());
    }

    [Fact]
    public async Task A_finished_backfill_writes_nothing_again_and_costs_a_read_per_table_once_per_process()
    {
        var rig = await RetentionRig.CreateAsync(azurite, deadLetters: DeadLettersKept);
        await rig.PublishAsync("evt-1");
        await rig.DeliverAsync("evt-1", RetentionRig.Start, "sub-a");
        await rig.IdempotencyKeys.TryRecordAsync("key-1", "evt-1", rig.Clock.GetUtcNow(), TimeSpan.FromHours(24), CancellationToken.None);
        await rig.DeadLetterAsync("evt-1");
        await rig.ForgetScheduleAsync();

        var first = await rig.Sweeper(azurite).BackfillAsync(CancellationToken.None);
        var scheduled = await rig.ScheduleRowsAsync();
        var requests = new RequestLog();
        var sweeper = rig.Sweeper(azurite, requests);
        var second = await sweeper.BackfillAsync(CancellationToken.None);
        var afterSecond = requests.Requests.Count;
        var third = await sweeper.BackfillAsync(CancellationToken.None);

        Assert.Equal((4L, false), first); // An event's log rows name the same schedule row: one per table.
        Assert.Equal(["deadletter|20260110/sub-a|evt-1", "event|20260110/evt-1", $"idempotency|20260110/{Assert.Single(await rig.RowsAsync(rig.Storage.Names.IdempotencyTable)).TrimEnd('/')}"], scheduled);
        Assert.Equal((0L, false), second);
        Assert.Equal((0L, false), third);
        Assert.Equal(Enumerable.Repeat($"GET {rig.Storage.Names.ExpiryTable}", 4), requests.Requests.Take(afterSecond));
        Assert.Equal(afterSecond, requests.Requests.Count);
        Assert.Equal(scheduled, await rig.ScheduleRowsAsync());
    }

    [Fact]
    public async Task A_backfill_stops_at_its_bound_and_the_next_run_goes_on_from_its_checkpoint()
    {
        var rig = await RetentionRig.CreateAsync(azurite);
        rig.Options.BackfillPageSize = 2;
        rig.Options.MaxPagesPerSweep = 1;
        for (var i = 0; i < 5; i++)
        {
            await rig.PublishAsync($"evt-{i}");
        }

        await rig.ForgetScheduleAsync();
        var runs = new List<(long, bool)>();
        var scheduledRows = new List<int>();
        for (var run = 0; run < 3; run++)
        {
            runs.Add(await rig.Sweeper(azurite).BackfillAsync(CancellationToken.None));
            scheduledRows.Add((await rig.ScheduleRowsAsync()).Count);
        }

        Assert.Equal([(2L, true), (2L, true), (1L, false)], runs);
        Assert.Equal([2, 4, 5], scheduledRows);
    }

    [Fact]
    public async Task Two_sweeps_backfilling_at_once_schedule_every_record_and_remove_each_expired_one_once_between_them()
    {
        var rig = await RetentionRig.CreateAsync(azurite, deadLetters: DeadLettersKept);
        rig.Options.BackfillPageSize = 3;
        for (var i = 0; i < 20; i++)
        {
            await rig.PublishAsync($"old-{i}");
            await rig.DeliverAsync($"old-{i}", RetentionRig.Start, "sub-a");
            await rig.IdempotencyKeys.TryRecordAsync($"key-{i}", $"old-{i}", rig.Clock.GetUtcNow(), TimeSpan.FromHours(24), CancellationToken.None);
        }

        for (var i = 0; i < 5; i++)
        {
            await rig.DeadLetterAsync($"old-{i}");
        }

        rig.Clock.Advance(TimeSpan.FromDays(10));
        for (var i = 0; i < 7; i++)
        {
            await rig.PublishAsync($"young-{i}");
        }

        await rig.ForgetScheduleAsync();
        rig.Clock.Advance(TimeSpan.FromDays(21)); // old: 31 days, young: 21 days.

        var reports = await Task.WhenAll(rig.Sweeper(azurite).SweepAsync(CancellationToken.None), rig.Sweeper(azurite).SweepAsync(CancellationToken.None));

        Assert.All(reports, r => Assert.False(r.MoreDue));
        Assert.Equal(new RemovedRecords(Events: 20, DeliveryLogEntries: 40, IdempotencyRecords: 20, DeadLetters: 5), reports[0].Removed + reports[1].Removed);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"young-{i}/").Order(StringComparer.Ordinal), await rig.RowsAsync(rig.Storage.Names.EventsTable));
        Assert.Empty(await rig.RowsAsync(rig.Storage.Names.DeliveryAttemptsTable));
        Assert.Empty(await rig.RowsAsync(rig.Storage.Names.SubscriptionDeliveriesTable));
        Assert.Empty(await rig.RowsAsync(rig.Storage.Names.IdempotencyTable));
        Assert.Empty(await rig.ListedDeadLettersAsync());
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"event|20260120/young-{i}").Order(StringComparer.Ordinal), await rig.ScheduleRowsAsync());
        Assert.Equal((0L, false), await rig.Sweeper(azurite).BackfillAsync(CancellationToken.None));
    }

    /// <summary>Schedule rows go in transactions, so the process dies at the backfill's (1, 4, 9) or at the removal's (15, 20) writes.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(20)]
    public async Task A_backfill_that_dies_midway_is_finished_by_the_next_sweep(int transactionsBeforeDeath)
    {
        var rig = await RetentionRig.CreateAsync(azurite, pageSize: 4);
        rig.Options.BackfillPageSize = 3;
        for (var i = 0; i < 10; i++)
        {
            await rig.PublishAsync($"old-{i}");
            await rig.DeliverAsync($"old-{i}", RetentionRig.Start, "sub-a");
        }

        await rig.ForgetScheduleAsync();
        rig.Clock.Advance(TimeSpan.FromDays(31));

        await Assert.ThrowsAsync<InvalidOperationException>(() => rig.Sweeper(azurite, new DieAfterDeletes(transactionsBeforeDeath)).SweepAsync(CancellationToken.None));
        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.False(report.MoreDue);
        Assert.Empty(await rig.RowsAsync(rig.Storage.Names.EventsTable));
        Assert.Empty(await rig.RowsAsync(rig.Storage.Names.DeliveryAttemptsTable));
        Assert.Empty(await rig.RowsAsync(rig.Storage.Names.SubscriptionDeliveriesTable));
        Assert.Empty(await rig.ScheduleRowsAsync());
    }
}
