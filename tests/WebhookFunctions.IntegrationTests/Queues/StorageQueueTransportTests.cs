using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Queues;

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

        Assert.Empty(await consumer.ReceiveAsync(32, Visibility, CancellationToken.None));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(await consumer.ReceiveAsync(32, Visibility, CancellationToken.None));
        var received = await Eventually.ResultAsync(
            async () => await consumer.ReceiveAsync(32, Visibility, CancellationToken.None) is [var first, ..] ? first : null,
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
        var received = await Eventually.ResultAsync(
            async () => await consumer.ReceiveAsync(32, Visibility, CancellationToken.None) is [var first, ..] ? first : null,
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
        var received = await Eventually.ResultAsync(
            async () => await consumer.ReceiveAsync(32, Visibility, CancellationToken.None) is [var first, ..] ? first : null,
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
    public async Task A_message_received_more_often_than_the_limit_is_moved_to_the_poison_table()
    {
        var raw = storage.Queues.GetQueueClient(storage.Names.DeliveriesQueue);
        await raw.SendMessageAsync(new BinaryData(MessageCodec.Encode(QueueTestKit.Job("evt-1", "sub-a"))));
        await raw.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var received = await QueueTestKit.DeliveryConsumer(storage, TimeProvider.System, maxDequeueCount: 1).ReceiveAsync(32, Visibility, CancellationToken.None);

        Assert.Empty(received);
        var moved = Assert.Single(await new PoisonMessageTableStore(storage.Tables, storage.Names, TimeProvider.System).ListAsync(raw.Name, CancellationToken.None));
        Assert.Equal(2, moved.DequeueCount);
        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(raw));
    }

    [Fact]
    public async Task A_held_message_stays_invisible_past_its_visibility_timeout_and_can_still_be_deleted()
    {
        var raw = storage.Queues.GetQueueClient(storage.Names.DeliveriesQueue);
        await new StorageDeliveryQueue(storage.Queues, storage.Names, TimeProvider.System).SendAsync([QueueTestKit.Job("evt-1", "sub-a")], CancellationToken.None);
        var held = (await QueueTestKit.DeliveryConsumer(storage, TimeProvider.System).ReceiveAsync(1, TimeSpan.FromSeconds(3), CancellationToken.None)).Single();

        await Task.Delay(TimeSpan.FromSeconds(5));

        Assert.Empty((await raw.ReceiveMessagesAsync(32)).Value);
        await held.DeleteAsync(CancellationToken.None);
        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(raw));
        await held.DisposeAsync();
    }

    private static async Task DisposeAllAsync<T>(IEnumerable<HeldMessage<T>> messages)
        where T : class
    {
        foreach (var message in messages)
        {
            await message.DisposeAsync();
        }
    }
}
