using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.DeadLetters;
using WebhookFunctions.ServiceBus.Messages;

namespace WebhookFunctions.ServiceBusTests.DeadLetters;

public class DeadLetteredMessageReaderTests
{
    private static readonly DateTimeOffset Enqueued = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_dead_letter_written_by_the_settlement_reads_back_unchanged()
    {
        var original = DeadLetterMessageShapeTests.Sample();
        var shape = DeadLetterMessageShape.For(original);
        var job = new DeliveryJob(original.EventId, original.EventType, [original.SubscriptionId!], original.Attempts, original.TraceParent);

        var read = DeadLetteredMessageReader.Read(
            Merge(DeliveryMessageShape.For(job).ApplicationProperties, shape.ApplicationProperties),
            shape.Reason,
            shape.Description,
            DeliveryMessageShape.For(job).Body.Span,
            Enqueued);

        Assert.Equal(original, read);
    }

    [Fact]
    public void A_notice_reads_as_a_fan_out_dead_letter_from_its_properties_or_else_its_body()
    {
        var notice = new EventNotice("evt_1", "order.created", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        var shape = EventNoticeMessageShape.For(notice);

        var fromBoth = DeadLetteredMessageReader.ReadFanOut(shape.ApplicationProperties, "MaxDeliveryCountExceeded", null, shape.Body.Span, Enqueued, 10);
        var fromBody = DeadLetteredMessageReader.ReadFanOut(new Dictionary<string, object>(), null, null, shape.Body.Span, Enqueued, 3);
        var fromProperties = DeadLetteredMessageReader.ReadFanOut(shape.ApplicationProperties, null, null, "not json"u8, Enqueued, 1);

        Assert.Equal(
            new DeadLetter("evt_1", null, "order.created", DeadLetterReason.MaxAttemptsExceeded, "Service Bus dead-lettered the message (MaxDeliveryCountExceeded).", 10, Enqueued, Enqueued, null, null, notice.TraceParent, DeadLetterStage.FanOut),
            fromBoth);
        Assert.Equal(("evt_1", 3, DeadLetterStage.FanOut, notice.TraceParent), (fromBody?.EventId, fromBody?.Attempts, fromBody?.Stage, fromBody?.TraceParent));
        Assert.Equal(("evt_1", "order.created", (string?)null), (fromProperties?.EventId, fromProperties?.EventType, fromProperties?.TraceParent));
        Assert.Null(DeadLetteredMessageReader.ReadFanOut(new Dictionary<string, object>(), null, null, "[]"u8, Enqueued, 1));
    }

    [Fact]
    public void Every_reason_round_trips()
    {
        foreach (var reason in Enum.GetValues<DeadLetterReason>())
        {
            var shape = DeadLetterMessageShape.For(DeadLetterMessageShapeTests.Sample() with { Reason = reason });

            var read = DeadLetteredMessageReader.Read(shape.ApplicationProperties, shape.Reason, shape.Description, [], Enqueued);

            Assert.Equal(reason, read?.Reason);
        }
    }

    [Fact]
    public void A_message_the_broker_dead_lettered_is_read_from_its_delivery_job()
    {
        var job = new DeliveryJob("evt_7", "invoice.paid", ["sub_b"], 3, null, FirstAttemptAt: Enqueued.AddHours(-1), LastStatusCode: 502, LastError: "badGateway");
        var message = DeliveryMessageShape.For(job);

        var read = DeadLetteredMessageReader.Read(
            message.ApplicationProperties,
            "MaxDeliveryCountExceeded",
            "Message could not be consumed after 10 delivery attempts.",
            message.Body.Span,
            Enqueued);

        Assert.NotNull(read);
        Assert.Equal("evt_7", read.EventId);
        Assert.Equal("sub_b", read.SubscriptionId);
        Assert.Equal("invoice.paid", read.EventType);
        Assert.Equal(DeadLetterReason.MaxAttemptsExceeded, read.Reason);
        Assert.Contains("MaxDeliveryCountExceeded", read.Description, StringComparison.Ordinal);
        Assert.Contains("after 10 delivery attempts", read.Description, StringComparison.Ordinal);
        Assert.Equal(3, read.Attempts);
        Assert.Equal(Enqueued.AddHours(-1), read.FirstAttemptAt);
        Assert.Equal(Enqueued, read.LastAttemptAt);
        Assert.Equal(502, read.LastStatusCode);
        Assert.Equal("badGateway", read.LastError);
    }

    [Fact]
    public void A_body_alone_is_enough_when_the_properties_were_lost()
    {
        var job = new DeliveryJob("evt_8", "order.shipped", ["sub_c"], 1, null);

        var read = DeadLetteredMessageReader.Read(new Dictionary<string, object>(), null, null, DeliveryMessageShape.For(job).Body.Span, Enqueued);

        Assert.NotNull(read);
        Assert.Equal(("evt_8", "sub_c", "order.shipped"), (read.EventId, read.SubscriptionId, read.EventType));
        Assert.Equal(DeadLetterReason.MaxAttemptsExceeded, read.Reason);
        Assert.Contains("no reason given", read.Description, StringComparison.Ordinal);
        Assert.Equal(Enqueued, read.FirstAttemptAt);
    }

    [Fact]
    public void A_message_that_names_no_delivery_is_not_a_dead_letter()
    {
        var read = DeadLetteredMessageReader.Read(
            new Dictionary<string, object> { ["something"] = "else" },
            DeadLetterMessageShape.InvalidBodyReason,
            "not json",
            "not json"u8,
            Enqueued);

        Assert.Null(read);
    }

    [Fact]
    public void Properties_typed_by_the_broker_are_understood()
    {
        var properties = new Dictionary<string, object>
        {
            ["eventId"] = "evt_1",
            ["subscriptionId"] = "sub_a",
            ["eventType"] = "order.created",
            ["attempts"] = 7L,
            ["lastStatusCode"] = "429",
            ["firstAttemptAt"] = Enqueued.AddDays(-1),
            ["lastAttemptAt"] = new DateTime(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc),
        };

        var read = DeadLetteredMessageReader.Read(properties, "endpointGone", "410 from the receiver", [], Enqueued);

        Assert.NotNull(read);
        Assert.Equal(7, read.Attempts);
        Assert.Equal(429, read.LastStatusCode);
        Assert.Equal(Enqueued.AddDays(-1), read.FirstAttemptAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero), read.LastAttemptAt);
        Assert.Equal(DeadLetterReason.EndpointGone, read.Reason);
        Assert.Equal("410 from the receiver", read.Description);
    }

    [Fact]
    public void Property_values_it_cannot_read_give_way_to_the_delivery_job_in_the_body()
    {
        var job = new DeliveryJob("evt_9", "order.created", ["sub_a"], 2, null, FirstAttemptAt: Enqueued.AddMinutes(-10), LastStatusCode: 502);
        var properties = new Dictionary<string, object>
        {
            ["attempts"] = (short)6,
            ["lastStatusCode"] = "not a number",
            ["firstAttemptAt"] = 42,
        };

        var read = DeadLetteredMessageReader.Read(properties, "MaxDeliveryCountExceeded", null, DeliveryMessageShape.For(job).Body.Span, Enqueued);

        Assert.NotNull(read);
        Assert.Equal(6, read.Attempts);
        Assert.Equal(502, read.LastStatusCode);
        Assert.Equal(Enqueued.AddMinutes(-10), read.FirstAttemptAt);
    }

    [Fact]
    public void A_numeric_reason_is_not_mistaken_for_a_known_one()
    {
        var read = DeadLetteredMessageReader.Read(DeadLetterMessageShape.For(DeadLetterMessageShapeTests.Sample()).ApplicationProperties, "1", null, [], Enqueued);

        Assert.NotNull(read);
        Assert.Equal(DeadLetterReason.MaxAttemptsExceeded, read.Reason);
        Assert.Contains("(1)", read.Description, StringComparison.Ordinal);
    }

    private static Dictionary<string, object> Merge(IReadOnlyDictionary<string, object> first, IReadOnlyDictionary<string, object> second)
    {
        var merged = new Dictionary<string, object>(first);
        foreach (var (key, value) in second)
        {
            merged[key] = value;
        }

        return merged;
    }
}
