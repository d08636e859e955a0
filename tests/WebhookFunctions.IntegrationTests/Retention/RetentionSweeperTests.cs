using WebhookFunctions.Engine.Retention;
using WebhookFunctions.IntegrationTests.Infrastructure;

namespace WebhookFunctions.IntegrationTests.Retention;

/// <summary>The sweeper on Azurite, with a clock the test moves: what is past retention goes, nothing younger does.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetentionSweeperTests(AzuriteFixture azurite)
{
    private static readonly string[] Subscriptions = ["sub-a", "sub-b", "sub-c"];

    [Fact]
    public async Task Records_past_retention_are_removed_and_younger_ones_of_the_same_partitions_stay()
    {
        var rig = await RetentionRig.CreateAsync(azurite);
        var names = rig.Storage.Names;
        await rig.PublishAsync("old-1");
        await rig.PublishAsync("old-big", LargeJson(100 * 1024));
        await rig.DeliverAsync("old-1", RetentionRig.Start, "sub-a", "sub-b");
        await rig.DeliverAsync("old-big", RetentionRig.Start, "sub-a");
        await rig.IdempotencyKeys.TryRecordAsync("key-old", "old-1", rig.Clock.GetUtcNow(), TimeSpan.FromHours(24), CancellationToken.None);
        await rig.Poison.AddAsync(names.DeliveriesQueue, "m-old", BinaryData.FromString("?"), 5, "undecodable", CancellationToken.None);

        rig.Clock.Advance(TimeSpan.FromDays(20));
        var youngAcceptedAt = rig.Clock.GetUtcNow();
        await rig.PublishAsync("young-1");
        await rig.DeliverAsync("young-1", youngAcceptedAt, "sub-a", "sub-b");
        await rig.Poison.AddAsync(names.DeliveriesQueue, "m-young", BinaryData.FromString("?"), 5, "undecodable", CancellationToken.None);

        rig.Clock.Advance(TimeSpan.FromDays(10) + TimeSpan.FromDays(1)); // old: 31 days, young: 11 days.
        await rig.IdempotencyKeys.TryRecordAsync("key-young", "young-1", rig.Clock.GetUtcNow(), TimeSpan.FromHours(24), CancellationToken.None);
        var youngRows = (await rig.RowsAsync(names.SubscriptionDeliveriesTable)).Where(r => r.Contains("|young-1|", StringComparison.Ordinal)).ToList();

        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.Equal(new RemovedRecords(Events: 2, DeliveryLogEntries: 6, IdempotencyRecords: 1, PoisonMessages: 1), report.Removed);
        Assert.False(report.MoreDue);
        Assert.Equal(["young-1/"], await rig.RowsAsync(names.EventsTable));
        Assert.Equal(["young-1/sub-a|00001", "young-1/sub-a|00002", "young-1/sub-b|00001", "young-1/sub-b|00002"], await rig.RowsAsync(names.DeliveryAttemptsTable));
        Assert.Equal(youngRows, await rig.RowsAsync(names.SubscriptionDeliveriesTable));
        Assert.Equal(4, youngRows.Count);
        Assert.Single(await rig.RowsAsync(names.IdempotencyTable));
        Assert.Empty(await rig.PayloadBlobsAsync());
        Assert.Equal(["m-young"], (await rig.Poison.ListAsync(names.DeliveriesQueue, CancellationToken.None)).Select(m => m.MessageId));
        // Only the young records' schedule rows are left.
        Assert.All(await rig.ScheduleRowsAsync(), row => Assert.True(row.EndsWith("/young-1", StringComparison.Ordinal) || row.StartsWith("idempotency|", StringComparison.Ordinal), row));
        Assert.Equal(2, (await rig.ScheduleRowsAsync()).Count);

        var again = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);
        Assert.Equal(new RemovedRecords(), again.Removed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_first_attempt_logged_by_subscription_alone_is_swept_with_its_event_even_after_a_sweep_that_died(int deletesBeforeDeath)
    {
        var rig = await RetentionRig.CreateAsync(azurite);
        await rig.PublishToSoleRecipientAsync("old-1", "sub-a");
        rig.Clock.Advance(TimeSpan.FromDays(20));
        await rig.PublishToSoleRecipientAsync("young-1", "sub-a");
        Assert.Equal(["young-1/sub-a|00002"], (await rig.RowsAsync(rig.Storage.Names.DeliveryAttemptsTable)).Where(r => r.StartsWith("young-1/", StringComparison.Ordinal)));
        var youngRows = (await rig.RowsAsync(rig.Storage.Names.SubscriptionDeliveriesTable)).Where(r => r.Contains("|young-1|", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, youngRows.Count);
        rig.Clock.Advance(TimeSpan.FromDays(11));
        Assert.Equal(["by-event young-1 sub-a #1", "by-event young-1 sub-a #2", "event young-1"], await rig.VisibleAsync(["old-1", "young-1"], []));
        await rig.Sweeper(azurite).BackfillAsync(CancellationToken.None);
        if (deletesBeforeDeath > 0)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => rig.Sweeper(azurite, new DieAfterDeletes(deletesBeforeDeath)).SweepAsync(CancellationToken.None));
        }

        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.False(report.MoreDue);
        Assert.Equal(["young-1/"], await rig.RowsAsync(rig.Storage.Names.EventsTable));
        Assert.Equal(["young-1/sub-a|00002"], await rig.RowsAsync(rig.Storage.Names.DeliveryAttemptsTable));
        Assert.Equal(youngRows, await rig.RowsAsync(rig.Storage.Names.SubscriptionDeliveriesTable));
        if (deletesBeforeDeath == 0)
        {
            Assert.Equal(new RemovedRecords(Events: 1, DeliveryLogEntries: 2), report.Removed);
        }
    }

    [Fact]
    public async Task An_event_with_a_sole_recipient_gets_its_schedule_row_from_its_delivery_log()
    {
        var rig = await RetentionRig.CreateAsync(azurite);
        var acceptedAt = rig.Clock.GetUtcNow();

        Assert.True(await rig.Events.TryAddAsync(new Engine.Events.WebhookEvent("evt-1", "order.created", acceptedAt, null, null, "{}"u8.ToArray(), null, AcceptedAt: acceptedAt, SoleRecipient: "sub-a"), CancellationToken.None));
        Assert.Empty(await rig.ScheduleRowsAsync());

        await rig.Log.AppendAsync([RetentionRig.Attempt("evt-1", "sub-a", 1, acceptedAt.AddMilliseconds(3), acceptedAt, Engine.Delivery.AttemptOutcome.Delivered) with { ToSoleRecipient = true }], CancellationToken.None);
        Assert.Equal(["event|20260110/evt-1"], await rig.ScheduleRowsAsync());
    }

    [Fact]
    public async Task Readers_stop_seeing_an_expired_event_and_its_whole_log_at_its_cutoff_before_any_sweep()
    {
        var rig = await RetentionRig.CreateAsync(azurite);
        await rig.PublishAsync("evt-1");
        await rig.DeliverAsync("evt-1", RetentionRig.Start, Subscriptions);
        rig.Clock.Advance(TimeSpan.FromDays(2));
        // A retry two days later: its entry expires with the event, not two days after it.
        await rig.Log.AppendAsync([RetentionRig.Attempt("evt-1", "sub-a", 3, rig.Clock.GetUtcNow(), RetentionRig.Start, Engine.Delivery.AttemptOutcome.Delivered)], CancellationToken.None);
        await rig.Events.GetAsync("evt-1", CancellationToken.None); // Now cached: the cache must hide it too.

        rig.Clock.Advance(TimeSpan.FromDays(28) - TimeSpan.FromSeconds(1));
        Assert.Equal(1 + 7 + 7, (await rig.VisibleAsync(["evt-1"], Subscriptions)).Count);

        rig.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(await rig.VisibleAsync(["evt-1"], Subscriptions));
        Assert.Equal(7, (await rig.RowsAsync(rig.Storage.Names.DeliveryAttemptsTable)).Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(9)]
    [InlineData(13)]
    public async Task A_sweep_that_dies_midway_leaves_nothing_visible_and_the_next_sweep_finishes_it(int deletesBeforeDeath)
    {
        var rig = await RetentionRig.CreateAsync(azurite, pageSize: 4);
        var expired = Enumerable.Range(0, 10).Select(i => $"old-{i}").ToList();
        foreach (var eventId in expired)
        {
            await rig.PublishAsync(eventId);
            await rig.DeliverAsync(eventId, RetentionRig.Start, Subscriptions);
        }

        rig.Clock.Advance(TimeSpan.FromDays(15));
        var youngAcceptedAt = rig.Clock.GetUtcNow();
        await rig.PublishAsync("young-1");
        await rig.DeliverAsync("young-1", youngAcceptedAt, Subscriptions);
        rig.Clock.Advance(TimeSpan.FromDays(16));
        var visibleBefore = await rig.VisibleAsync([.. expired, "young-1"], Subscriptions);
        await rig.Sweeper(azurite).BackfillAsync(CancellationToken.None); // Done already, so the sweep below dies removing, not backfilling.

        await Assert.ThrowsAsync<InvalidOperationException>(() => rig.Sweeper(azurite, new DieAfterDeletes(deletesBeforeDeath)).SweepAsync(CancellationToken.None));

        Assert.Equal(visibleBefore, await rig.VisibleAsync([.. expired, "young-1"], Subscriptions));
        Assert.Equal(1 + 6 + 6, visibleBefore.Count);

        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.False(report.MoreDue);
        Assert.Equal(["young-1/"], await rig.RowsAsync(rig.Storage.Names.EventsTable));
        Assert.Equal(6, (await rig.RowsAsync(rig.Storage.Names.DeliveryAttemptsTable)).Count);
        Assert.All(await rig.RowsAsync(rig.Storage.Names.SubscriptionDeliveriesTable), row => Assert.Contains("|young-1|", row, StringComparison.Ordinal));
        Assert.Equal(6, (await rig.RowsAsync(rig.Storage.Names.SubscriptionDeliveriesTable)).Count);
        Assert.Equal(["event|20260125/young-1"], await rig.ScheduleRowsAsync());
        Assert.Equal(visibleBefore, await rig.VisibleAsync([.. expired, "young-1"], Subscriptions));
    }

    [Fact]
    public async Task Two_sweepers_at_once_remove_every_expired_record_exactly_once_between_them()
    {
        var rig = await RetentionRig.CreateAsync(azurite, pageSize: 5);
        for (var i = 0; i < 30; i++)
        {
            await rig.PublishAsync($"old-{i}");
            await rig.DeliverAsync($"old-{i}", RetentionRig.Start, Subscriptions);
        }

        rig.Clock.Advance(TimeSpan.FromDays(31));

        var reports = await Task.WhenAll(rig.Sweeper(azurite).SweepAsync(CancellationToken.None), rig.Sweeper(azurite).SweepAsync(CancellationToken.None));

        Assert.Equal(30, reports.Sum(r => r.Removed.Events));
        Assert.Equal(30 * 6, reports.Sum(r => r.Removed.DeliveryLogEntries));
        Assert.Empty(await rig.RowsAsync(rig.Storage.Names.EventsTable));
        Assert.Empty(await rig.RowsAsync(rig.Storage.Names.DeliveryAttemptsTable));
        Assert.Empty(await rig.RowsAsync(rig.Storage.Names.SubscriptionDeliveriesTable));
        Assert.Empty(await rig.ScheduleRowsAsync());
    }

    [Fact]
    public async Task A_sweep_stops_at_its_bound_and_says_more_is_due()
    {
        var rig = await RetentionRig.CreateAsync(azurite, pageSize: 2);
        rig.Options.MaxPagesPerSweep = 2;
        for (var i = 0; i < 5; i++)
        {
            await rig.PublishAsync($"old-{i}");
        }

        rig.Clock.Advance(TimeSpan.FromDays(31));

        var first = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);
        var second = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.Equal((4, true), (first.Removed.Events, first.MoreDue));
        Assert.Equal((1, false), (second.Removed.Events, second.MoreDue));
        Assert.Empty(await rig.RowsAsync(rig.Storage.Names.EventsTable));
    }

    [Fact]
    public async Task An_expired_event_id_used_again_before_the_sweep_stores_the_new_event_and_the_sweep_spares_it()
    {
        var rig = await RetentionRig.CreateAsync(azurite);
        await rig.PublishAsync("evt-1");
        await rig.DeliverAsync("evt-1", RetentionRig.Start, "sub-a");
        rig.Clock.Advance(TimeSpan.FromDays(31));
        var reusedAt = rig.Clock.GetUtcNow();

        await rig.PublishAsync("evt-1");
        await rig.DeliverAsync("evt-1", reusedAt, "sub-b");
        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.Equal(new RemovedRecords(DeliveryLogEntries: 2), report.Removed);
        Assert.Equal(reusedAt, (await rig.Events.GetAsync("evt-1", CancellationToken.None))!.AcceptedAt);
        Assert.Equal(["by-event evt-1 sub-b #1", "by-event evt-1 sub-b #2", "by-subscription evt-1 sub-b #1", "by-subscription evt-1 sub-b #2", "event evt-1"],
            await rig.VisibleAsync(["evt-1"], ["sub-a", "sub-b"]));
        Assert.Equal(2, (await rig.RowsAsync(rig.Storage.Names.SubscriptionDeliveriesTable)).Count);
    }

    [Fact]
    public async Task An_expired_sole_recipient_event_id_used_again_before_the_sweep_leaves_none_of_its_old_log()
    {
        var rig = await RetentionRig.CreateAsync(azurite);
        await rig.PublishToSoleRecipientAsync("evt-1", "sub-a");
        rig.Clock.Advance(TimeSpan.FromDays(31));

        await rig.PublishToSoleRecipientAsync("evt-1", "sub-b");
        var report = await rig.Sweeper(azurite).SweepAsync(CancellationToken.None);

        Assert.Equal(new RemovedRecords(DeliveryLogEntries: 1), report.Removed); // The old attempt 2; the replace took attempt 1.
        Assert.Equal(["by-event evt-1 sub-b #1", "by-event evt-1 sub-b #2", "by-subscription evt-1 sub-b #1", "by-subscription evt-1 sub-b #2", "event evt-1"],
            await rig.VisibleAsync(["evt-1"], ["sub-a", "sub-b"]));
        Assert.All(await rig.RowsAsync(rig.Storage.Names.SubscriptionDeliveriesTable), row => Assert.StartsWith("sub-b/", row, StringComparison.Ordinal));
    }

    private static byte[] LargeJson(int size) => System.Text.Encoding.UTF8.GetBytes("{\"blob\":\"" + new string('x', size - 11) + "\"}");
}
