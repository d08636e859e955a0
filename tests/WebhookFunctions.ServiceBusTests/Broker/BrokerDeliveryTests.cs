using Azure.Messaging.ServiceBus;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Broker;

/// <summary>Peek-lock, settlement and redelivery as Service Bus does them, through the SDK's sender and receiver.</summary>
public sealed class BrokerDeliveryTests : IAsyncDisposable
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider clock = BrokerClock.Create();
    private readonly ServiceBusBroker broker;
    private readonly ServiceBusClient client;

    public BrokerDeliveryTests()
    {
        broker = new ServiceBusBroker(clock);
        broker.CreateQueue("jobs", new EntityOptions { MaxDeliveryCount = 3, LockDuration = TimeSpan.FromSeconds(30) });
        client = broker.CreateClient();
    }

    [Fact]
    public async Task A_received_message_is_locked_until_settled_so_no_other_receive_gets_it()
    {
        await SendAsync("m1");
        var receiver = client.CreateReceiver("jobs");

        var first = await receiver.ReceiveMessageAsync();
        var second = await receiver.ReceiveMessageAsync();

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(1, first.DeliveryCount);
        Assert.Equal(BrokerClock.Start.AddSeconds(30), first.LockedUntil);
        Assert.NotEqual(Guid.Empty, Guid.Parse(first.LockToken));
    }

    [Fact]
    public async Task Complete_removes_the_message_and_a_second_settlement_finds_the_lock_lost()
    {
        await SendAsync("m1");
        var receiver = client.CreateReceiver("jobs");
        var message = (await receiver.ReceiveMessageAsync())!;

        await receiver.CompleteMessageAsync(message);

        Assert.Empty(broker.Peek("jobs"));
        var lost = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(message));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);
    }

    [Fact]
    public async Task Abandon_redelivers_with_the_delivery_count_raised_and_the_properties_merged()
    {
        await SendAsync("m1");
        var receiver = client.CreateReceiver("jobs");
        var first = (await receiver.ReceiveMessageAsync())!;

        await receiver.AbandonMessageAsync(first, new Dictionary<string, object> { ["note"] = "retry" });
        var again = await receiver.ReceiveMessageAsync();

        Assert.NotNull(again);
        Assert.Equal(first.SequenceNumber, again.SequenceNumber);
        Assert.Equal(2, again.DeliveryCount);
        Assert.Equal("retry", again.ApplicationProperties["note"]);
        Assert.NotEqual(first.LockToken, again.LockToken);
    }

    [Fact]
    public async Task An_expired_lock_releases_the_message_and_its_settlement_then_fails()
    {
        await SendAsync("m1");
        var receiver = client.CreateReceiver("jobs");
        var first = (await receiver.ReceiveMessageAsync())!;

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(await receiver.ReceiveMessageAsync());
        clock.Advance(TimeSpan.FromSeconds(1));
        var again = await receiver.ReceiveMessageAsync();

        Assert.Equal(2, again?.DeliveryCount);
        var lost = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(first));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);
    }

    [Fact]
    public async Task A_renewed_lock_holds_past_the_first_expiry()
    {
        await SendAsync("m1");
        var receiver = client.CreateReceiver("jobs");
        var message = (await receiver.ReceiveMessageAsync())!;

        clock.Advance(TimeSpan.FromSeconds(20));
        await receiver.RenewMessageLockAsync(message);
        clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Null(await receiver.ReceiveMessageAsync());
        await receiver.CompleteMessageAsync(message);
        Assert.Empty(broker.Peek("jobs"));
    }

    [Fact]
    public async Task Dead_lettering_moves_the_message_with_reason_description_and_properties_keeping_its_sequence_number()
    {
        await SendAsync("m1", ("eventId", "evt_1"));
        var receiver = client.CreateReceiver("jobs");
        var message = (await receiver.ReceiveMessageAsync())!;

        await receiver.DeadLetterMessageAsync(message, new Dictionary<string, object> { ["attempts"] = 7 }, "endpointGone", "410 from the receiver");

        Assert.Empty(broker.Peek("jobs"));
        var deadLetter = Assert.Single(broker.Peek(EntityPaths.DeadLetter("jobs")));
        Assert.Equal(message.SequenceNumber, deadLetter.SequenceNumber);
        Assert.Equal("endpointGone", deadLetter.DeadLetterReason);
        Assert.Equal("410 from the receiver", deadLetter.DeadLetterErrorDescription);
        Assert.Equal("endpointGone", deadLetter.ApplicationProperties["DeadLetterReason"]);
        Assert.Equal(7, deadLetter.ApplicationProperties["attempts"]);
        Assert.Equal("evt_1", deadLetter.ApplicationProperties["eventId"]);
        Assert.Equal("m1", deadLetter.MessageId);
    }

    [Fact]
    public async Task The_dead_letter_sub_queue_is_received_and_completed_like_an_entity_without_a_delivery_limit()
    {
        await SendAsync("m1");
        var receiver = client.CreateReceiver("jobs");
        await receiver.DeadLetterMessageAsync((await receiver.ReceiveMessageAsync())!, "why", "because");
        var deadLetters = client.CreateReceiver("jobs", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });

        for (var i = 0; i < 5; i++)
        {
            await deadLetters.AbandonMessageAsync((await deadLetters.ReceiveMessageAsync())!);
        }

        var message = (await deadLetters.ReceiveMessageAsync())!;
        await deadLetters.CompleteMessageAsync(message);

        Assert.Equal("jobs/$DeadLetterQueue", deadLetters.EntityPath);
        Assert.Equal(7, message.DeliveryCount);
        Assert.Empty(broker.Peek(EntityPaths.DeadLetter("jobs")));
    }

    [Fact]
    public async Task After_its_last_permitted_delivery_is_abandoned_the_broker_dead_letters_the_message_itself()
    {
        await SendAsync("m1");
        var receiver = client.CreateReceiver("jobs");

        for (var delivery = 1; delivery <= 3; delivery++)
        {
            var message = (await receiver.ReceiveMessageAsync())!;
            Assert.Equal(delivery, message.DeliveryCount);
            await receiver.AbandonMessageAsync(message);
        }

        Assert.Null(await receiver.ReceiveMessageAsync());
        var deadLetter = Assert.Single(broker.Peek(EntityPaths.DeadLetter("jobs")));
        Assert.Equal("MaxDeliveryCountExceeded", deadLetter.DeadLetterReason);
        Assert.Equal("Message could not be consumed after 3 delivery attempts.", deadLetter.DeadLetterErrorDescription);
        Assert.Equal(3, deadLetter.DeliveryCount);
    }

    [Fact]
    public async Task Locks_that_expire_count_against_the_delivery_limit_too()
    {
        await SendAsync("m1");

        for (var delivery = 0; delivery < 3; delivery++)
        {
            Assert.NotNull(broker.ReceiveNext("jobs"));
            clock.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Null(broker.ReceiveNext("jobs"));
        Assert.Equal("MaxDeliveryCountExceeded", Assert.Single(broker.Peek(EntityPaths.DeadLetter("jobs"))).DeadLetterReason);
    }

    [Fact]
    public async Task Receive_and_delete_takes_the_message_away_and_leaves_nothing_to_settle()
    {
        await SendAsync("m1");
        var receiver = client.CreateReceiver("jobs", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });

        var message = (await receiver.ReceiveMessageAsync())!;

        Assert.Empty(broker.Peek("jobs"));
        Assert.Equal(Guid.Empty, Guid.Parse(message.LockToken));
        await Assert.ThrowsAsync<InvalidOperationException>(() => receiver.CompleteMessageAsync(message));
    }

    [Fact]
    public async Task A_peeked_message_has_no_lock_to_settle()
    {
        await SendAsync("m1");
        var receiver = client.CreateReceiver("jobs");

        var peeked = (await receiver.PeekMessageAsync())!;

        await Assert.ThrowsAsync<InvalidOperationException>(() => receiver.CompleteMessageAsync(peeked));
        await Assert.ThrowsAsync<InvalidOperationException>(() => receiver.DeadLetterMessageAsync(peeked, "why"));
    }

    [Fact]
    public async Task A_receiver_settles_only_messages_of_its_own_entity()
    {
        broker.CreateQueue("other");
        await SendAsync("m1");
        var message = (await client.CreateReceiver("jobs").ReceiveMessageAsync())!;

        var lost = await Assert.ThrowsAsync<ServiceBusException>(() => client.CreateReceiver("other").CompleteMessageAsync(message));

        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);
    }

    [Fact]
    public async Task A_reason_given_both_as_argument_and_as_property_is_refused()
    {
        await SendAsync("m1");
        var receiver = client.CreateReceiver("jobs");
        var message = (await receiver.ReceiveMessageAsync())!;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            receiver.DeadLetterMessageAsync(message, new Dictionary<string, object> { ["DeadLetterReason"] = "a" }, "b"));
    }

    [Fact]
    public async Task Receive_returns_at_most_the_number_asked_in_sequence_order()
    {
        await SendAsync("m1");
        await SendAsync("m2");
        await SendAsync("m3");

        var batch = await client.CreateReceiver("jobs").ReceiveMessagesAsync(2, TimeSpan.FromSeconds(1));

        Assert.Equal(["m1", "m2"], batch.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Closed_senders_and_receivers_refuse_work_and_cancelled_calls_do_nothing()
    {
        var sender = client.CreateSender("jobs");
        var receiver = client.CreateReceiver("jobs");
        await sender.DisposeAsync();
        await receiver.DisposeAsync();

        Assert.True(sender.IsClosed);
        Assert.True(receiver.IsClosed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => receiver.ReceiveMessagesAsync(1));
        await Assert.ThrowsAsync<TaskCanceledException>(() => client.CreateSender("jobs").SendMessageAsync(new ServiceBusMessage("x"), new CancellationToken(canceled: true)));
        Assert.Empty(broker.Peek("jobs"));
    }

    public async ValueTask DisposeAsync() => await client.DisposeAsync();

    private Task SendAsync(string messageId, params (string Name, object Value)[] properties)
    {
        var message = new ServiceBusMessage("{}") { MessageId = messageId };
        foreach (var (name, value) in properties)
        {
            message.ApplicationProperties[name] = value;
        }

        return client.CreateSender("jobs").SendMessageAsync(message);
    }
}
