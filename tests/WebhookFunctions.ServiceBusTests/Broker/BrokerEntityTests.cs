using Azure.Messaging.ServiceBus;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Broker;

/// <summary>Topics, scheduling, sequence numbers, peeking and expiry as Service Bus does them.</summary>
public sealed class BrokerEntityTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = BrokerClock.Create();
    private readonly ServiceBusBroker _broker;
    private readonly ServiceBusClient _client;

    public BrokerEntityTests()
    {
        _broker = new ServiceBusBroker(_clock);
        _client = _broker.CreateClient();
    }

    [Fact]
    public async Task A_topic_gives_every_subscription_its_own_copy()
    {
        _broker.CreateTopic("events");
        _broker.CreateSubscription("events", "a");
        _broker.CreateSubscription("events", "b");

        await _client.CreateSender("events").SendMessageAsync(new ServiceBusMessage("{}") { MessageId = "e1", Subject = "order.created" });
        var fromA = (await _client.CreateReceiver("events", "a").ReceiveMessageAsync())!;
        await _client.CreateReceiver("events", "a").CompleteMessageAsync(fromA);
        var fromB = await _client.CreateReceiver("events", "b").ReceiveMessageAsync();

        Assert.Equal("e1", fromA.MessageId);
        Assert.Equal(("e1", "order.created", 1), (fromB?.MessageId, fromB?.Subject, fromB?.DeliveryCount));
        Assert.Empty(_broker.Peek(EntityPaths.Subscription("events", "a")));
        Assert.Equal("events/Subscriptions/b", _client.CreateReceiver("events", "b").EntityPath);
    }

    [Fact]
    public async Task A_topic_without_subscriptions_drops_what_it_is_sent_and_a_subscription_cannot_be_sent_to()
    {
        _broker.CreateTopic("events");
        await _client.CreateSender("events").SendMessageAsync(new ServiceBusMessage("{}"));
        _broker.CreateSubscription("events", "late");

        Assert.Empty(_broker.Peek(EntityPaths.Subscription("events", "late")));
        var notFound = await Assert.ThrowsAsync<ServiceBusException>(() =>
            _client.CreateSender(EntityPaths.Subscription("events", "late")).SendMessageAsync(new ServiceBusMessage("{}")));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, notFound.Reason);
    }

    [Fact]
    public async Task A_scheduled_message_is_invisible_until_due_and_then_enqueued_at_its_time()
    {
        _broker.CreateQueue("jobs");
        var due = BrokerClock.Start.AddMinutes(5);

        var sequenceNumber = await _client.CreateSender("jobs").ScheduleMessageAsync(new ServiceBusMessage("{}") { MessageId = "later" }, due);
        var receiver = _client.CreateReceiver("jobs");

        Assert.Null(await receiver.ReceiveMessageAsync());
        var scheduled = Assert.Single(_broker.Peek("jobs"));
        Assert.Equal((ServiceBusMessageState.Scheduled, sequenceNumber, due), (scheduled.State, scheduled.SequenceNumber, scheduled.ScheduledEnqueueTime));

        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Null(await receiver.ReceiveMessageAsync());
        _clock.Advance(TimeSpan.FromTicks(1));
        var message = await receiver.ReceiveMessageAsync();

        Assert.Equal(("later", ServiceBusMessageState.Active, due, due), (message?.MessageId, message?.State, message?.EnqueuedTime, message?.ScheduledEnqueueTime));
    }

    [Fact]
    public async Task A_message_sent_with_a_scheduled_enqueue_time_ahead_is_scheduled_too()
    {
        _broker.CreateQueue("jobs");

        await _client.CreateSender("jobs").SendMessageAsync(new ServiceBusMessage("{}") { ScheduledEnqueueTime = BrokerClock.Start.AddSeconds(10) });

        Assert.Null(_broker.ReceiveNext("jobs"));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.NotNull(_broker.ReceiveNext("jobs"));
    }

    [Fact]
    public async Task A_message_scheduled_on_a_topic_reaches_the_subscriptions_only_when_due()
    {
        _broker.CreateTopic("events");
        _broker.CreateSubscription("events", "a");

        await _client.CreateSender("events").ScheduleMessageAsync(new ServiceBusMessage("{}"), BrokerClock.Start.AddMinutes(1));

        Assert.Empty(_broker.Peek(EntityPaths.Subscription("events", "a")));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(_broker.ReceiveNext(EntityPaths.Subscription("events", "a")));
    }

    [Fact]
    public async Task A_cancelled_scheduled_message_never_arrives()
    {
        _broker.CreateQueue("jobs");
        var sender = _client.CreateSender("jobs");
        var sequenceNumbers = await sender.ScheduleMessagesAsync([new ServiceBusMessage("a"), new ServiceBusMessage("b")], BrokerClock.Start.AddMinutes(1));

        await sender.CancelScheduledMessageAsync(sequenceNumbers[0]);
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("b", Assert.Single(_broker.Peek("jobs")).Body.ToString());
    }

    [Fact]
    public async Task Sequence_numbers_count_up_per_entity_and_peeking_starts_where_asked()
    {
        _broker.CreateQueue("jobs");
        _broker.CreateQueue("other");
        var sender = _client.CreateSender("jobs");
        await sender.SendMessagesAsync(Enumerable.Range(1, 5).Select(i => new ServiceBusMessage($"{i}")));
        await _client.CreateSender("other").SendMessageAsync(new ServiceBusMessage("x"));

        var receiver = _client.CreateReceiver("jobs");
        var fromThree = await receiver.PeekMessagesAsync(2, fromSequenceNumber: 3);
        var next = await receiver.PeekMessagesAsync(10);

        Assert.Equal([1L, 2, 3, 4, 5], _broker.Peek("jobs").Select(m => m.SequenceNumber));
        Assert.Equal(1, Assert.Single(_broker.Peek("other")).SequenceNumber);
        Assert.Equal([3L, 4], fromThree.Select(m => m.SequenceNumber));
        Assert.Equal([5L], next.Select(m => m.SequenceNumber));
        Assert.Empty(await receiver.PeekMessagesAsync(10));
    }

    [Fact]
    public async Task Peek_shows_locked_messages_without_taking_the_lock()
    {
        _broker.CreateQueue("jobs");
        await _client.CreateSender("jobs").SendMessageAsync(new ServiceBusMessage("x"));
        var locked = _broker.ReceiveNext("jobs")!;

        var peeked = (await _client.CreateReceiver("jobs").PeekMessageAsync())!;

        Assert.Equal(locked.SequenceNumber, peeked.SequenceNumber);
        Assert.Equal(Guid.Empty, Guid.Parse(peeked.LockToken));
        _broker.Complete(locked.LockToken);
    }

    [Fact]
    public async Task An_expired_message_is_dead_lettered_where_the_entity_says_so_and_dropped_elsewhere()
    {
        _broker.CreateQueue("kept", new EntityOptions { DefaultMessageTimeToLive = TimeSpan.FromHours(1), DeadLetteringOnMessageExpiration = true });
        _broker.CreateQueue("dropped", new EntityOptions { DefaultMessageTimeToLive = TimeSpan.FromHours(1) });
        await _client.CreateSender("kept").SendMessageAsync(new ServiceBusMessage("x") { MessageId = "k" });
        await _client.CreateSender("dropped").SendMessageAsync(new ServiceBusMessage("x"));
        await _client.CreateSender("kept").SendMessageAsync(new ServiceBusMessage("short") { TimeToLive = TimeSpan.FromMinutes(1) });

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(_broker.Peek("kept"));
        _clock.Advance(TimeSpan.FromMinutes(59));

        Assert.Empty(_broker.Peek("kept"));
        Assert.Empty(_broker.Peek("dropped"));
        Assert.Empty(_broker.Peek(EntityPaths.DeadLetter("dropped")));
        var expired = _broker.Peek(EntityPaths.DeadLetter("kept"));
        Assert.Equal([("TTLExpiredException", "The message expired and was dead lettered.")], expired.Select(m => (m.DeadLetterReason, m.DeadLetterErrorDescription)).Distinct());
        Assert.Equal(2, expired.Count);
        Assert.Equal(BrokerClock.Start.AddHours(1), expired.Single(m => m.MessageId == "k").ExpiresAt);
    }

    [Fact]
    public async Task An_entity_that_does_not_exist_is_reported_as_not_found()
    {
        var notFound = await Assert.ThrowsAsync<ServiceBusException>(() => _client.CreateReceiver("nowhere").PeekMessageAsync());

        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, notFound.Reason);
        Assert.Throws<ServiceBusException>(() => _broker.CreateSubscription("nowhere", "s"));
    }

    [Fact]
    public void Names_are_unique_across_queues_and_topics()
    {
        _broker.CreateQueue("jobs");

        var exists = Assert.Throws<ServiceBusException>(() => _broker.CreateTopic("jobs"));

        Assert.Equal(ServiceBusFailureReason.MessagingEntityAlreadyExists, exists.Reason);
    }

    [Fact]
    public async Task An_injected_fault_breaks_the_operations_named_until_it_is_disposed()
    {
        _broker.CreateQueue("jobs");
        var sender = _client.CreateSender("jobs");
        var receiver = _client.CreateReceiver("jobs");

        using (_broker.Fail("jobs", BrokerOperations.Send, () => new ServiceBusException(true, "unreachable", "jobs", ServiceBusFailureReason.ServiceCommunicationProblem)))
        {
            var failed = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));
            Assert.True(failed.IsTransient);
            Assert.Null(await receiver.PeekMessageAsync(1));
        }

        await sender.SendMessageAsync(new ServiceBusMessage("x"));
        Assert.Single(_broker.Peek("jobs"));
    }

    [Fact]
    public void Sessions_processors_and_deferral_are_not_modelled()
    {
        Assert.Throws<NotSupportedException>(() => _client.CreateProcessor("jobs"));
        Assert.Throws<NotSupportedException>(() => _client.CreateReceiver("jobs", new ServiceBusReceiverOptions { SubQueue = SubQueue.TransferDeadLetter }));
        Assert.Throws<NotSupportedException>(() => _client.CreateReceiver("jobs").ReceiveMessagesAsync());
    }
}
