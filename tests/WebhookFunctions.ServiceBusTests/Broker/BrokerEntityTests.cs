using Azure.Messaging.ServiceBus;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Broker;

/// <summary>Topics, scheduling, sequence numbers, peeking and expiry as Service Bus does them.</summary>
public sealed class BrokerEntityTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider clock = BrokerClock.Create();
    private readonly ServiceBusBroker broker;
    private readonly ServiceBusClient client;

    public BrokerEntityTests()
    {
        broker = new ServiceBusBroker(clock);
        client = broker.CreateClient();
    }

    [Fact]
    public async Task A_topic_gives_every_subscription_its_own_copy()
    {
        broker.CreateTopic("events");
        broker.CreateSubscription("events", "a");
        broker.CreateSubscription("events", "b");

        await client.CreateSender("events").SendMessageAsync(new ServiceBusMessage("{}") { MessageId = "e1", Subject = "order.created" });
        var fromA = (await client.CreateReceiver("events", "a").ReceiveMessageAsync())!;
        await client.CreateReceiver("events", "a").CompleteMessageAsync(fromA);
        var fromB = await client.CreateReceiver("events", "b").ReceiveMessageAsync();

        Assert.Equal("e1", fromA.MessageId);
        Assert.Equal(("e1", "order.created", 1), (fromB?.MessageId, fromB?.Subject, fromB?.DeliveryCount));
        Assert.Empty(broker.Peek(EntityPaths.Subscription("events", "a")));
        Assert.Equal("events/Subscriptions/b", client.CreateReceiver("events", "b").EntityPath);
    }

    [Fact]
    public async Task A_topic_without_subscriptions_drops_what_it_is_sent_and_a_subscription_cannot_be_sent_to()
    {
        broker.CreateTopic("events");
        await client.CreateSender("events").SendMessageAsync(new ServiceBusMessage("{}"));
        broker.CreateSubscription("events", "late");

        Assert.Empty(broker.Peek(EntityPaths.Subscription("events", "late")));
        var notFound = await Assert.ThrowsAsync<ServiceBusException>(() =>
            client.CreateSender(EntityPaths.Subscription("events", "late")).SendMessageAsync(new ServiceBusMessage("{}")));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, notFound.Reason);
    }

    [Fact]
    public async Task A_scheduled_message_is_invisible_until_due_and_then_enqueued_at_its_time()
    {
        broker.CreateQueue("jobs");
        var due = BrokerClock.Start.AddMinutes(5);

        var sequenceNumber = await client.CreateSender("jobs").ScheduleMessageAsync(new ServiceBusMessage("{}") { MessageId = "later" }, due);
        var receiver = client.CreateReceiver("jobs");

        Assert.Null(await receiver.ReceiveMessageAsync());
        var scheduled = Assert.Single(broker.Peek("jobs"));
        Assert.Equal((ServiceBusMessageState.Scheduled, sequenceNumber, due), (scheduled.State, scheduled.SequenceNumber, scheduled.ScheduledEnqueueTime));

        clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Null(await receiver.ReceiveMessageAsync());
        clock.Advance(TimeSpan.FromTicks(1));
        var message = await receiver.ReceiveMessageAsync();

        Assert.Equal(("later", ServiceBusMessageState.Active, due, due), (message?.MessageId, message?.State, message?.EnqueuedTime, message?.ScheduledEnqueueTime));
    }

    [Fact]
    public async Task A_message_sent_with_a_scheduled_enqueue_time_ahead_is_scheduled_too()
    {
        broker.CreateQueue("jobs");

        await client.CreateSender("jobs").SendMessageAsync(new ServiceBusMessage("{}") { ScheduledEnqueueTime = BrokerClock.Start.AddSeconds(10) });

        Assert.Null(broker.ReceiveNext("jobs"));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.NotNull(broker.ReceiveNext("jobs"));
    }

    [Fact]
    public async Task A_message_scheduled_on_a_topic_reaches_the_subscriptions_only_when_due()
    {
        broker.CreateTopic("events");
        broker.CreateSubscription("events", "a");

        await client.CreateSender("events").ScheduleMessageAsync(new ServiceBusMessage("{}"), BrokerClock.Start.AddMinutes(1));

        Assert.Empty(broker.Peek(EntityPaths.Subscription("events", "a")));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(broker.ReceiveNext(EntityPaths.Subscription("events", "a")));
    }

    [Fact]
    public async Task A_cancelled_scheduled_message_never_arrives()
    {
        broker.CreateQueue("jobs");
        var sender = client.CreateSender("jobs");
        var sequenceNumbers = await sender.ScheduleMessagesAsync([new ServiceBusMessage("a"), new ServiceBusMessage("b")], BrokerClock.Start.AddMinutes(1));

        await sender.CancelScheduledMessageAsync(sequenceNumbers[0]);
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("b", Assert.Single(broker.Peek("jobs")).Body.ToString());
    }

    [Fact]
    public async Task Sequence_numbers_count_up_per_entity_and_peeking_starts_where_asked()
    {
        broker.CreateQueue("jobs");
        broker.CreateQueue("other");
        var sender = client.CreateSender("jobs");
        await sender.SendMessagesAsync(Enumerable.Range(1, 5).Select(i => new ServiceBusMessage($"{i}")));
        await client.CreateSender("other").SendMessageAsync(new ServiceBusMessage("x"));

        var receiver = client.CreateReceiver("jobs");
        var fromThree = await receiver.PeekMessagesAsync(2, fromSequenceNumber: 3);
        var next = await receiver.PeekMessagesAsync(10);

        Assert.Equal([1L, 2, 3, 4, 5], broker.Peek("jobs").Select(m => m.SequenceNumber));
        Assert.Equal(1, Assert.Single(broker.Peek("other")).SequenceNumber);
        Assert.Equal([3L, 4], fromThree.Select(m => m.SequenceNumber));
        Assert.Equal([5L], next.Select(m => m.SequenceNumber));
        Assert.Empty(await receiver.PeekMessagesAsync(10));
    }

    [Fact]
    public async Task Peek_shows_locked_messages_without_taking_the_lock()
    {
        broker.CreateQueue("jobs");
        await client.CreateSender("jobs").SendMessageAsync(new ServiceBusMessage("x"));
        var locked = broker.ReceiveNext("jobs")!;

        var peeked = (await client.CreateReceiver("jobs").PeekMessageAsync())!;

        Assert.Equal(locked.SequenceNumber, peeked.SequenceNumber);
        Assert.Equal(Guid.Empty, Guid.Parse(peeked.LockToken));
        broker.Complete(locked.LockToken);
    }

    [Fact]
    public async Task An_expired_message_is_dead_lettered_where_the_entity_says_so_and_dropped_elsewhere()
    {
        broker.CreateQueue("kept", new EntityOptions { DefaultMessageTimeToLive = TimeSpan.FromHours(1), DeadLetteringOnMessageExpiration = true });
        broker.CreateQueue("dropped", new EntityOptions { DefaultMessageTimeToLive = TimeSpan.FromHours(1) });
        await client.CreateSender("kept").SendMessageAsync(new ServiceBusMessage("x") { MessageId = "k" });
        await client.CreateSender("dropped").SendMessageAsync(new ServiceBusMessage("x"));
        await client.CreateSender("kept").SendMessageAsync(new ServiceBusMessage("short") { TimeToLive = TimeSpan.FromMinutes(1) });

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(broker.Peek("kept"));
        clock.Advance(TimeSpan.FromMinutes(59));

        Assert.Empty(broker.Peek("kept"));
        Assert.Empty(broker.Peek("dropped"));
        Assert.Empty(broker.Peek(EntityPaths.DeadLetter("dropped")));
        var expired = broker.Peek(EntityPaths.DeadLetter("kept"));
        Assert.Equal([("TTLExpiredException", "The message expired and was dead lettered.")], expired.Select(m => (m.DeadLetterReason, m.DeadLetterErrorDescription)).Distinct());
        Assert.Equal(2, expired.Count);
        Assert.Equal(BrokerClock.Start.AddHours(1), expired.Single(m => m.MessageId == "k").ExpiresAt);
    }

    [Fact]
    public async Task An_entity_that_does_not_exist_is_reported_as_not_found()
    {
        var notFound = await Assert.ThrowsAsync<ServiceBusException>(() => client.CreateReceiver("nowhere").PeekMessageAsync());

        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, notFound.Reason);
        Assert.Throws<ServiceBusException>(() => broker.CreateSubscription("nowhere", "s"));
    }

    [Fact]
    public void Names_are_unique_across_queues_and_topics()
    {
        broker.CreateQueue("jobs");

        var exists = Assert.Throws<ServiceBusException>(() => broker.CreateTopic("jobs"));

        Assert.Equal(ServiceBusFailureReason.MessagingEntityAlreadyExists, exists.Reason);
    }

    [Fact]
    public async Task An_injected_fault_breaks_the_operations_named_until_it_is_disposed()
    {
        broker.CreateQueue("jobs");
        var sender = client.CreateSender("jobs");
        var receiver = client.CreateReceiver("jobs");

        using (broker.Fail("jobs", BrokerOperations.Send, () => new ServiceBusException(true, "unreachable", "jobs", ServiceBusFailureReason.ServiceCommunicationProblem)))
        {
            var failed = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));
            Assert.True(failed.IsTransient);
            Assert.Null(await receiver.PeekMessageAsync(1));
        }

        await sender.SendMessageAsync(new ServiceBusMessage("x"));
        Assert.Single(broker.Peek("jobs"));
    }

    [Fact]
    public void Sessions_processors_and_deferral_are_not_modelled()
    {
        Assert.Throws<NotSupportedException>(() => client.CreateProcessor("jobs"));
        Assert.Throws<NotSupportedException>(() => client.CreateReceiver("jobs", new ServiceBusReceiverOptions { SubQueue = SubQueue.TransferDeadLetter }));
        Assert.Throws<NotSupportedException>(() => client.CreateReceiver("jobs").ReceiveMessagesAsync());
    }
}
