using System.Runtime.Serialization;
using Azure.Messaging.ServiceBus;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Broker;

/// <summary>What a message may carry and how much of it fits, as the SDK and the service decide.</summary>
public sealed class BrokerMessageTests
{
    private readonly ServiceBusBroker broker = new(BrokerClock.Create(), maxMessageSizeInBytes: 2048);
    private readonly ServiceBusClient client;

    public BrokerMessageTests()
    {
        broker.CreateQueue("jobs");
        client = broker.CreateClient();
    }

    public static TheoryData<object> PropertyValues() =>
    [
        "text", 1, 2L, (short)3, (byte)4, (sbyte)5, (ushort)6, 7u, 8ul, 1.5f, 2.5d, 3.5m, true, 'c', Guid.NewGuid(),
        new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), BrokerClock.Start, TimeSpan.FromSeconds(3), new Uri("https://example.com/"),
        new MemoryStream([1, 2, 3]), new byte[] { 1, 2 }, new List<string> { "a" }, new Dictionary<string, object>(), new object(), DayOfWeek.Monday,
    ];

    [Theory]
    [MemberData(nameof(PropertyValues))]
    public async Task An_application_property_is_refused_exactly_when_the_SDKs_own_encoding_refuses_it(object value)
    {
        var sdkAccepts = SdkEncodes(value);

        var sent = await Record.ExceptionAsync(() => client.CreateSender("jobs").SendMessageAsync(Message(("p", value))));

        Assert.Equal(sdkAccepts, sent is null);
        if (!sdkAccepts)
        {
            Assert.IsType<SerializationException>(sent);
        }
    }

    [Fact]
    public async Task Property_values_come_back_as_AMQP_carries_them()
    {
        var local = new DateTimeOffset(2026, 3, 2, 11, 15, 30, TimeSpan.FromHours(2));
        var unspecified = new DateTime(2026, 3, 2, 9, 15, 30, 123, DateTimeKind.Unspecified).AddTicks(4567);

        await client.CreateSender("jobs").SendMessageAsync(Message(("offset", local), ("time", unspecified), ("stream", new MemoryStream([7, 8])), ("nothing", null!)));
        var received = (await client.CreateReceiver("jobs").ReceiveMessageAsync())!;

        Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)received.ApplicationProperties["offset"]).Offset);
        Assert.Equal(local, received.ApplicationProperties["offset"]);
        Assert.Equal(new DateTime(2026, 3, 2, 9, 15, 30, 123, DateTimeKind.Utc), received.ApplicationProperties["time"]);
        Assert.Equal(new byte[] { 7, 8 }, received.ApplicationProperties["stream"]);
        Assert.False(received.ApplicationProperties.ContainsKey("nothing"));
    }

    [Fact]
    public async Task Settlement_properties_must_be_AMQP_encodable_too()
    {
        await client.CreateSender("jobs").SendMessageAsync(Message());
        var receiver = client.CreateReceiver("jobs");
        var message = (await receiver.ReceiveMessageAsync())!;

        await Assert.ThrowsAsync<SerializationException>(() => receiver.DeadLetterMessageAsync(message, new Dictionary<string, object> { ["bad"] = new object() }, "why"));
        Assert.Throws<SerializationException>(() => broker.Abandon(message.LockToken, new Dictionary<string, object> { ["bad"] = new List<int>() }));

        broker.DeadLetter(message.LockToken, new Dictionary<string, object> { ["attempts"] = 3 }, "why", "because");
        Assert.Equal(3, Assert.Single(broker.Peek(EntityPaths.DeadLetter("jobs"))).ApplicationProperties["attempts"]);
    }

    [Fact]
    public async Task A_batch_takes_messages_until_the_next_would_pass_its_size_limit()
    {
        var sender = client.CreateSender("jobs");
        using var batch = await sender.CreateMessageBatchAsync();
        var added = 0;
        while (batch.TryAddMessage(Message(("n", added))))
        {
            added++;
        }

        await sender.SendMessagesAsync(batch);

        Assert.Equal(2048, batch.MaxSizeInBytes);
        Assert.InRange(added, 2, 100);
        Assert.Equal(added, batch.Count);
        Assert.Equal(Enumerable.Range(0, added), broker.Peek("jobs").Select(m => (int)m.ApplicationProperties["n"]));
    }

    [Fact]
    public async Task A_batch_may_ask_for_a_lower_limit_but_not_a_higher_one()
    {
        var sender = client.CreateSender("jobs");

        using var small = await sender.CreateMessageBatchAsync(new CreateMessageBatchOptions { MaxSizeInBytes = 300 });
        var big = Message(("pad", new string('x', 400)));

        Assert.False(small.TryAddMessage(big));
        Assert.True(small.TryAddMessage(Message()));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sender.CreateMessageBatchAsync(new CreateMessageBatchOptions { MaxSizeInBytes = 4096 }).AsTask());
    }

    [Fact]
    public async Task A_message_or_a_set_of_messages_larger_than_the_entity_accepts_is_refused_whole()
    {
        var sender = client.CreateSender("jobs");

        var tooLarge = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage(new byte[3000])));
        var tooMany = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessagesAsync(Enumerable.Range(0, 3).Select(_ => new ServiceBusMessage(new byte[800]))));

        Assert.Equal(ServiceBusFailureReason.MessageSizeExceeded, tooLarge.Reason);
        Assert.Equal(ServiceBusFailureReason.MessageSizeExceeded, tooMany.Reason);
        Assert.Empty(broker.Peek("jobs"));
    }

    [Fact]
    public async Task A_batch_from_another_sender_is_refused()
    {
        using var foreign = ServiceBusModelFactory.ServiceBusMessageBatch(0, new List<ServiceBusMessage>());

        await Assert.ThrowsAsync<ArgumentException>(() => client.CreateSender("jobs").SendMessagesAsync(foreign));
    }

    /// <summary>The SDK encodes a message's properties when a batch (here the model factory's) takes it.</summary>
    private static bool SdkEncodes(object value)
    {
        using var batch = ServiceBusModelFactory.ServiceBusMessageBatch(0, new List<ServiceBusMessage>());
        try
        {
            return batch.TryAddMessage(Message(("p", value is MemoryStream stream ? new MemoryStream(stream.ToArray()) : value)));
        }
        catch (SerializationException)
        {
            return false;
        }
    }

    private static ServiceBusMessage Message(params (string Name, object Value)[] properties)
    {
        var message = new ServiceBusMessage("{}");
        foreach (var (name, value) in properties)
        {
            message.ApplicationProperties[name] = value;
        }

        return message;
    }
}
