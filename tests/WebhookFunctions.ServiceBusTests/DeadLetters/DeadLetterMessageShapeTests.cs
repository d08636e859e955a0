using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.ServiceBus.DeadLetters;

namespace WebhookFunctions.ServiceBusTests.DeadLetters;

public class DeadLetterMessageShapeTests
{
    private static readonly DateTimeOffset First = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Last = new(2026, 3, 2, 9, 15, 30, TimeSpan.Zero);

    [Theory]
    [InlineData(DeadLetterReason.MaxAttemptsExceeded, "maxAttemptsExceeded")]
    [InlineData(DeadLetterReason.EndpointGone, "endpointGone")]
    [InlineData(DeadLetterReason.SubscriptionDisabled, "subscriptionDisabled")]
    [InlineData(DeadLetterReason.PayloadRejected, "payloadRejected")]
    [InlineData(DeadLetterReason.DestinationBlocked, "destinationBlocked")]
    public void Reason_is_the_camel_case_name_the_api_uses(DeadLetterReason reason, string expected)
    {
        Assert.Equal(expected, DeadLetterMessageShape.For(Sample() with { Reason = reason }).Reason);
    }

    [Fact]
    public void Application_properties_tell_why_without_the_body()
    {
        var properties = DeadLetterMessageShape.For(Sample()).ApplicationProperties;

        Assert.Equal("evt_1", properties["eventId"]);
        Assert.Equal("sub_a", properties["subscriptionId"]);
        Assert.Equal("order.created", properties["eventType"]);
        Assert.Equal(10, properties["attempts"]);
        Assert.Equal(500, properties["lastStatusCode"]);
        Assert.Equal("httpError", properties["lastError"]);
        Assert.Equal("2026-03-01T10:00:00.0000000Z", properties["firstAttemptAt"]);
        Assert.Equal("2026-03-02T09:15:30.0000000Z", properties["lastAttemptAt"]);
    }

    [Fact]
    public void Absent_status_code_and_error_are_left_out_rather_than_null()
    {
        var properties = DeadLetterMessageShape.For(Sample() with { LastStatusCode = null, LastError = null, TraceParent = null }).ApplicationProperties;

        Assert.False(properties.ContainsKey("lastStatusCode"));
        Assert.False(properties.ContainsKey("lastError"));
        Assert.False(properties.ContainsKey("traceParent"));
        Assert.DoesNotContain(properties.Values, value => value is null);
    }

    [Fact]
    public void Description_is_cut_to_the_broker_limit()
    {
        var shape = DeadLetterMessageShape.For(Sample() with { Description = new string('x', 5000) });

        Assert.Equal(DeadLetterMessageShape.MaxDescriptionLength, shape.Description.Length);
        Assert.EndsWith("…", shape.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Description_within_the_limit_is_kept_as_it_is()
    {
        var description = new string('y', DeadLetterMessageShape.MaxDescriptionLength);

        Assert.Equal(description, DeadLetterMessageShape.For(Sample() with { Description = description }).Description);
    }

    [Fact]
    public void Long_last_error_is_cut_to_keep_the_header_small()
    {
        var shape = DeadLetterMessageShape.For(Sample() with { LastError = new string('e', 1000) });

        Assert.Equal(DeadLetterMessageShape.MaxLastErrorLength, ((string)shape.ApplicationProperties["lastError"]).Length);
    }

    [Fact]
    public void Times_are_written_in_utc_whatever_offset_they_carry()
    {
        var shape = DeadLetterMessageShape.For(Sample() with { LastAttemptAt = new DateTimeOffset(2026, 3, 2, 11, 15, 30, TimeSpan.FromHours(2)) });

        Assert.Equal("2026-03-02T09:15:30.0000000Z", shape.ApplicationProperties["lastAttemptAt"]);
    }

    internal static DeadLetter Sample() => new(
        "evt_1",
        "sub_a",
        "order.created",
        DeadLetterReason.MaxAttemptsExceeded,
        "10 attempts failed; the last answered 500.",
        10,
        First,
        Last,
        500,
        "httpError",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
}
