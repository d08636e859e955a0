using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Queues;
using WebhookFunctions.Storage.Tables;
using WebhookFunctions.Testing.Waiting;

namespace WebhookFunctions.IntegrationTests.Queues;

[Collection(AzuriteCollection.Name)]
public sealed class StorageQueueTransportTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);
    private TestStorage storage = null!;

    public async Task InitializeAsync() => storage = await TestStorage.CreateAsync(azurite);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Sent_delivery_jobs_are_received_intact()
    {
        var queue = new StorageDeliveryQueue(storage.Queues, storage.Names, TimeProvider.System);
        var jobs = new[] { QueueTestKit.Job("evt-1", "sub-a", "sub-b"), QueueTestKit.Job("evt-2", "sub-c") };

        await queue.SendAsync(jobs, CancellationToken.None);
        var received = await QueueTestKit.DeliveryConsumer(storage, TimeProvider.System).ReceiveAsync(32, Visibility, CancellationToken.None);

        Assert.Equal(
            jobs.Select(j => (j.EventId, string.Join(",", j.SubscriptionIds), j.Attempt, j.TraceParent)).Order(),
            received.Select(m => (m.Value.EventId, string.Join(",", m.Value.SubscriptionIds), m.Value.Attempt, m.Value.TraceParent)).Order());
        await DisposeAllAsync(received);
    }

    [Fact]
    public async Task A_sent_event_notice_is_received_intact()
    {
        var notice = new EventNotice("evt-1", "order.created", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        await new StorageEventQueue(storage.Queues, storage.Names).SendAsync(notice, CancellationToken.None);
        var received = await QueueTestKit.EventConsumer(storage, TimeProvider.System).ReceiveAsync(32, Visibility, CancellationToken.None);

        Assert.Equal([notice], received.Select(m => m.Value));
        await DisposeAllAsync(received);
    }

    [Fact]
    public async Task A_job_scheduled_two_seconds_ahead_is_invisible_until_then_and_received_after()
    {
        var queue = new StorageDeliveryQueue(storage.Queues, storage.Names, TimeProvider.System);
        var consumer = QueueTestKit.DeliveryConsumer(storage, TimeProvider.System);
        var scheduledAt = Stopwatch.StartNew();

        await queue.ScheduleAsync(QueueTestKit.Job("evt-later", "sub-a"), DateTimeOffset.UtcNow.AddSeconds(2), CancellationToken.None);

        // Quiet for the first second of the two: a job handed out early would be received within it.
        await QuietPeriod.HoldsAsync(
            TimeSpan.FromSeconds(1),
            async () => (await consumer.ReceiveAsync(32, Visibility, CancellationToken.None)).Count == 0,
            "the job scheduled two seconds ahead is not handed out");
        var received = await Eventually.FoundAsync(
            async () => await consumer.ReceiveAsync(32, Visibility, CancellationToken.None) is [var first, ..] ? first : null,
            "the job is handed out",
            TimeSpan.FromSeconds(10));

        Assert.NotNull(received);
        Assert.Equal("evt-later", received.Value.EventId);
        Assert.True(scheduledAt.Elapsed >= TimeSpan.FromSeconds(1.9), $"Received after {scheduledAt.Elapsed}.");
        await received.DisposeAsync();
    }

    [Theory]
    [InlineData(300)]
    [InlineData(999)]
    [InlineData(1_200)]
    public async Task A_job_due_within_about_a_second_is_never_handed_out_before_it_is_due(int dueInMilliseconds)
    {
        var queue = new StorageDeliveryQueue(storage.Queues, storage.Names, TimeProvider.System);
        var consumer = QueueTestKit.DeliveryConsumer(storage, TimeProvider.System);
        var dueAt = DateTimeOffset.UtcNow.AddMilliseconds(dueInMilliseconds);

        await queue.ScheduleAsync(QueueTestKit.Job("evt-soon", "sub-a"), dueAt, CancellationToken.None);
        var received = await Eventually.FoundAsync(
            async () => await consumer.ReceiveAsync(32, Visibility, CancellationToken.None) is [var first, ..] ? first : null,
            "the job is handed out",
            TimeSpan.FromSeconds(10));
        var handedOutAt = DateTimeOffset.UtcNow;

        Assert.NotNull(received);
        Assert.True(handedOutAt >= dueAt, $"Handed out {(dueAt - handedOutAt).TotalMilliseconds:0} ms before it was due.");
        await received.DisposeAsync();
    }

    [Fact]
    public async Task A_job_due_beyond_the_seven_day_limit_is_sent_with_the_limit_and_redelayed_when_received_early()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var queue = new StorageDeliveryQueue(storage.Queues, storage.Names, clock);
        var raw = storage.Queues.GetQueueClient(storage.Names.DeliveriesQueue);
        var dueAt = clock.GetUtcNow().AddDays(10);

        await queue.ScheduleAsync(QueueTestKit.Job("evt-far", "sub-a"), dueAt, CancellationToken.None);
        Assert.Equal(1, await QueueTestKit.CountMessagesAsync(raw));
        Assert.Empty((await raw.PeekMessagesAsync(32)).Value);

        // Seven days on, the message surfaces three days early: the consumer must park it again, not process it.
        var early = MessageCodec.Encode(QueueTestKit.Job("evt-far", "sub-a") with { DueAt = dueAt });
        await raw.ClearMessagesAsync();
        await raw.SendMessageAsync(new BinaryData(early));
        clock.Advance(TimeSpan.FromDays(7));

        var received = await QueueTestKit.DeliveryConsumer(storage, clock).ReceiveAsync(32, Visibility, CancellationToken.None);

        Assert.Empty(received);
        Assert.Equal(1, await QueueTestKit.CountMessagesAsync(raw));
        Assert.Empty((await raw.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task A_job_received_shortly_before_it_is_due_is_sent_again_for_the_remaining_delay()
    {
        var raw = storage.Queues.GetQueueClient(storage.Names.DeliveriesQueue);
        var consumer = QueueTestKit.DeliveryConsumer(storage, TimeProvider.System);
        await raw.SendMessageAsync(new BinaryData(MessageCodec.Encode(QueueTestKit.Job("evt-soon", "sub-a") with { DueAt = DateTimeOffset.UtcNow.AddSeconds(2) })));

        Assert.Empty(await consumer.ReceiveAsync(32, Visibility, CancellationToken.None));
        var received = await Eventually.FoundAsync(
            async () => await consumer.ReceiveAsync(32, Visibility, CancellationToken.None) is [var first, ..] ? first : null,
            "the job is handed out",
            TimeSpan.FromSeconds(10));

        Assert.Equal("evt-soon", received?.Value.EventId);
        Assert.Equal(1, received!.DequeueCount);
        await received.DisposeAsync();
    }

    [Fact]
    public async Task A_body_that_does_not_decode_is_moved_to_the_poison_table_and_the_rest_are_delivered()
    {
        var raw = storage.Queues.GetQueueClient(storage.Names.DeliveriesQueue);
        await raw.SendMessageAsync(BinaryData.FromString("{not json"));
        await raw.SendMessageAsync(new BinaryData(MessageCodec.Encode(QueueTestKit.Job("evt-1", "sub-a"))));
        var poison = new PoisonMessageTableStore(storage.Tables, storage.Names, TimeProvider.System);

        var received = await QueueTestKit.DeliveryConsumer(storage, TimeProvider.System).ReceiveAsync(32, Visibility, CancellationToken.None);

        Assert.Equal(["evt-1"], received.Select(m => m.Value.EventId));
        var moved = Assert.Single(await poison.ListAsync(raw.Name, CancellationToken.None));
        Assert.Equal("{not json", moved.Body.ToString());
        await received.Single().DeleteAsync(CancellationToken.None);
        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(raw));
        await DisposeAllAsync(received);
    }

    [Fact]
    public async Task A_delivery_job_received_more_often_than_the_limit_becomes_a_delivery_dead_letter_per_subscription()
    {
        var raw = storage.Queues.GetQueueClient(storage.Names.DeliveriesQueue);
        await raw.SendMessageAsync(new BinaryData(MessageCodec.Encode(QueueTestKit.Job("evt-1", "sub-a", "sub-b") with { Attempt = 2, LastStatusCode = 500 })));
        await raw.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(async () => (await raw.PeekMessagesAsync(1)).Value.Length == 1, "the message is visible again after its 1 s lease");

        var received = await QueueTestKit.DeliveryConsumer(storage, TimeProvider.System, maxDequeueCount: 1).ReceiveAsync(32, Visibility, CancellationToken.None);

        Assert.Empty(received);
        var parked = await DeadLettersAsync();
        Assert.Equal(["sub-a", "sub-b"], parked.Select(d => d.SubscriptionId).Order());
        Assert.All(parked, d => Assert.Equal((DeadLetterStage.Delivery, "evt-1", 1, 500), (d.Stage, d.EventId, d.Attempts, d.LastStatusCode)));
        Assert.Empty(await new PoisonMessageTableStore(storage.Tables, storage.Names, TimeProvider.System).ListAsync(raw.Name, CancellationToken.None));
        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(raw));
    }

    [Fact]
    public async Task An_event_notice_received_more_often_than_the_limit_becomes_a_fan_out_dead_letter()
    {
        var raw = storage.Queues.GetQueueClient(storage.Names.EventsQueue);
        var notice = new EventNotice("evt-7", "order.created", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        await new StorageEventQueue(storage.Queues, storage.Names).SendAsync(notice, CancellationToken.None);
        await raw.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(async () => (await raw.PeekMessagesAsync(1)).Value.Length == 1, "the message is visible again after its 1 s lease");

        var received = await QueueTestKit.EventConsumer(storage, TimeProvider.System, maxDequeueCount: 1).ReceiveAsync(32, Visibility, CancellationToken.None);

        Assert.Empty(received);
        var parked = Assert.Single(await DeadLettersAsync());
        Assert.Equal((DeadLetterStage.FanOut, "evt-7", (string?)null, "order.created", 2), (parked.Stage, parked.EventId, parked.SubscriptionId, parked.EventType, parked.Attempts));
        Assert.Equal(notice.TraceParent, parked.TraceParent);
        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(raw));
    }

    [Fact]
    public async Task Receives_that_ended_in_a_fault_retry_do_not_count_towards_the_limit()
    {
        var raw = storage.Queues.GetQueueClient(storage.Names.EventsQueue);
        await new StorageEventQueue(storage.Queues, storage.Names).SendAsync(new EventNotice("evt-8", "order.created", null), CancellationToken.None);
        var consumer = QueueTestKit.EventConsumer(storage, TimeProvider.System, maxDequeueCount: 1);
        for (var faults = 0; faults < 3; faults++)
        {
            var held = Assert.Single(await consumer.ReceiveAsync(1, Visibility, CancellationToken.None));
            Assert.Equal(faults, held.FaultRetries);
            await held.ReleaseAfterFaultAsync(TimeSpan.Zero, CancellationToken.None);
            await held.DisposeAsync();
        }

        var last = Assert.Single(await consumer.ReceiveAsync(1, Visibility, CancellationToken.None));

        Assert.Equal((4L, 3, "evt-8"), (last.DequeueCount, last.FaultRetries, last.Value.EventId));
        Assert.Empty(await DeadLettersAsync());
        await last.DeleteAsync(CancellationToken.None);
        await last.DisposeAsync();
        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(raw));
    }

    [Fact]
    public async Task A_held_message_stays_invisible_past_its_visibility_timeout_and_can_still_be_deleted()
    {
        var raw = storage.Queues.GetQueueClient(storage.Names.DeliveriesQueue);
        await new StorageDeliveryQueue(storage.Queues, storage.Names, TimeProvider.System).SendAsync([QueueTestKit.Job("evt-1", "sub-a")], CancellationToken.None);
        var held = (await QueueTestKit.DeliveryConsumer(storage, TimeProvider.System).ReceiveAsync(1, TimeSpan.FromSeconds(3), CancellationToken.None)).Single();

        // Quiet for 5 s, past the 3 s visibility timeout: without its lease renewed the message would be visible by then.
        await QuietPeriod.HoldsAsync(
            TimeSpan.FromSeconds(5),
            async () => (await raw.PeekMessagesAsync(32)).Value.Length == 0,
            "the held message stays invisible");

        await held.DeleteAsync(CancellationToken.None);
        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(raw));
        await held.DisposeAsync();
    }

    private async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync() =>
        (await new DeadLetterTableStore(storage.Tables, storage.Names).ListAsync(new DeadLetterFilter(), 100, null, CancellationToken.None)).Items;

    private static async Task DisposeAllAsync<T>(IEnumerable<HeldMessage<T>> messages)
        where T : class
    {
        foreach (var message in messages)
        {
            await message.DisposeAsync();
        }
    }
}
