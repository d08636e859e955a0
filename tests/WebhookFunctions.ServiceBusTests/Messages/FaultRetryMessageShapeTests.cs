using Azure.Messaging.ServiceBus;
using WebhookFunctions.ServiceBus.Messages;

namespace WebhookFunctions.ServiceBusTests.Messages;

public sealed class FaultRetryMessageShapeTests
{
    [Theory]
    [InlineData("evt_1", 1, "evt_1#f1")]
    [InlineData("evt_1#f1", 2, "evt_1#f2")]
    [InlineData("evt_1:sub_a:3#f12", 13, "evt_1:sub_a:3#f13")]
    [InlineData("evt#fish", 1, "evt#fish#f1")]
    [InlineData("evt#f", 1, "evt#f#f1")]
    [InlineData("", 1, "#f1")]
    public void The_copy_is_named_after_the_base_id_and_its_count(string messageId, int faultRetries, string expected) =>
        Assert.Equal(expected, FaultRetryMessageShape.MessageId(messageId, faultRetries));

    [Fact]
    public void A_long_base_id_is_cut_so_the_copys_id_stays_within_the_limit()
    {
        var longId = new string('a', ServiceBusMessageShape.MaxMessageIdLength);

        var copyId = FaultRetryMessageShape.MessageId(longId, 300);

        Assert.Equal(ServiceBusMessageShape.MaxMessageIdLength, copyId.Length);
        Assert.EndsWith("#f300", copyId, StringComparison.Ordinal);
    }

    [Fact]
    public void The_count_is_read_from_whatever_integer_type_the_property_arrived_as()
    {
        Assert.Equal(0, FaultRetryMessageShape.FaultRetriesOf(Received(new Dictionary<string, object>())));
        Assert.Equal(3, FaultRetryMessageShape.FaultRetriesOf(Received(new Dictionary<string, object> { ["faultRetries"] = 3 })));
        Assert.Equal(4, FaultRetryMessageShape.FaultRetriesOf(Received(new Dictionary<string, object> { ["faultRetries"] = 4L })));
        Assert.Equal(5, FaultRetryMessageShape.FaultRetriesOf(Received(new Dictionary<string, object> { ["faultRetries"] = "5" })));
        Assert.Equal(0, FaultRetryMessageShape.FaultRetriesOf(Received(new Dictionary<string, object> { ["faultRetries"] = -1 })));
        Assert.Equal(0, FaultRetryMessageShape.FaultRetriesOf(Received(new Dictionary<string, object> { ["faultRetries"] = "many" })));
    }

    [Fact]
    public void The_copy_keeps_body_subject_content_type_and_properties_and_counts_one_more()
    {
        var due = new DateTimeOffset(2026, 11, 24, 6, 0, 5, TimeSpan.Zero);
        var received = Received(new Dictionary<string, object> { ["eventId"] = "evt_1", ["faultRetries"] = 1 }, "evt_1#f1");

        var copy = FaultRetryMessageShape.For(received, 2, due);

        Assert.Equal(("evt_1#f2", "order.created", "application/json", due), (copy.MessageId, copy.Subject, copy.ContentType, copy.ScheduledEnqueueTime));
        Assert.Equal("{\"eventId\":\"evt_1\"}", System.Text.Encoding.UTF8.GetString(copy.Body.Span));
        Assert.Equal(new Dictionary<string, object> { ["eventId"] = "evt_1", ["faultRetries"] = 2 }, copy.ApplicationProperties);
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultRetryMessageShape.For(received, 0, due));
    }

    private static ServiceBusReceivedMessage Received(IDictionary<string, object> properties, string messageId = "evt_1") =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString("{\"eventId\":\"evt_1\"}"),
            messageId: messageId,
            subject: "order.created",
            contentType: "application/json",
            properties: properties);
}
