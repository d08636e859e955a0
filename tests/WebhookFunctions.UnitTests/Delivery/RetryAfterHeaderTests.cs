using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.UnitTests.Delivery;

public class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("120", 120)]
    [InlineData(" 30 ", 30)]
    [InlineData("86400", 86400)]
    public void Delta_seconds_are_a_delay(string value, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfterHeader.Parse(value, Now));
    }

    [Theory]
    [InlineData("Tue, 24 Nov 2026 06:02:00 GMT")] // IMF-fixdate
    [InlineData("Tuesday, 24-Nov-26 06:02:00 GMT")] // RFC 850
    [InlineData("Tue Nov 24 06:02:00 2026")] // asctime
    public void An_http_date_is_the_delay_until_then(string value)
    {
        Assert.Equal(TimeSpan.FromMinutes(2), RetryAfterHeader.Parse(value, Now));
    }

    [Fact]
    public void A_date_in_the_past_means_now()
    {
        Assert.Equal(TimeSpan.Zero, RetryAfterHeader.Parse("Mon, 23 Nov 2026 06:00:00 GMT", Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("soon")]
    [InlineData("120 seconds")]
    [InlineData("99999999999999999999")]
    [InlineData("Tue, 32 Nov 2026 06:02:00 GMT")]
    public void Absent_negative_or_malformed_values_are_ignored(string? value)
    {
        Assert.Null(RetryAfterHeader.Parse(value, Now));
    }
}
