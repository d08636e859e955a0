using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Storage.Queues;

namespace WebhookFunctions.IntegrationTests.Queues;

public sealed class FaultRetryCountTests
{
    private static readonly EventNotice Notice = new("evt-1", "order.created", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

    [Fact]
    public void A_body_as_sent_has_had_no_fault_retries()
    {
        Assert.Equal(0, FaultRetryCount.Read(new BinaryData(MessageCodec.Encode(Notice))));
    }

    [Fact]
    public void The_count_written_is_the_count_read_and_the_message_still_decodes_unchanged()
    {
        var counted = FaultRetryCount.With(new BinaryData(MessageCodec.Encode(Notice)), 7);

        Assert.Equal(7, FaultRetryCount.Read(counted));
        Assert.Equal(Notice, MessageCodec.DecodeEventNotice(counted.ToMemory().Span));
        Assert.Equal(8, FaultRetryCount.Read(FaultRetryCount.With(counted, 8)));
    }

    [Fact]
    public void Nested_fields_of_the_same_name_are_not_the_count()
    {
        var body = BinaryData.FromString("""{"eventId":"evt-1","data":{"faultRetries":5},"list":[{"faultRetries":6}],"faultRetries":2}""");

        Assert.Equal(2, FaultRetryCount.Read(body));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"faultRetries":"three"}""")]
    [InlineData("""{"faultRetries":-4}""")]
    [InlineData("")]
    public void A_body_without_a_readable_count_has_had_none(string body)
    {
        Assert.Equal(0, FaultRetryCount.Read(BinaryData.FromString(body)));
    }

    [Fact]
    public void A_body_that_is_not_a_json_object_cannot_carry_a_count()
    {
        Assert.Throws<FormatException>(() => FaultRetryCount.With(BinaryData.FromString("[1]"), 1));
    }
}
