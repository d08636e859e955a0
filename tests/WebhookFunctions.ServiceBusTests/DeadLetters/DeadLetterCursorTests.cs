using WebhookFunctions.Engine.Common;
using WebhookFunctions.ServiceBus.DeadLetters;

namespace WebhookFunctions.ServiceBusTests.DeadLetters;

public class DeadLetterCursorTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(8_589_934_592L)]
    [InlineData(long.MaxValue)]
    public void A_token_decodes_to_the_sequence_number_it_was_made_from(long sequenceNumber)
    {
        Assert.Equal(sequenceNumber, DeadLetterCursor.Decode(DeadLetterCursor.Encode(sequenceNumber)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_token_means_the_first_page(string? token)
    {
        Assert.Null(DeadLetterCursor.Decode(token));
    }

    [Fact]
    public void The_token_is_url_safe()
    {
        var token = DeadLetterCursor.Encode(long.MaxValue);

        Assert.Matches("^[A-Za-z0-9_-]+$", token);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("not a token!")]
    [InlineData("c2JkbHE6LTE")] // "sbdlq:-1"
    [InlineData("c2JkbHE6YWJj")] // "sbdlq:abc"
    [InlineData("b3RoZXI6MTA")] // "other:10"
    public void A_token_this_listing_did_not_make_is_refused(string token)
    {
        Assert.Throws<InvalidContinuationTokenException>(() => DeadLetterCursor.Decode(token));
    }

    [Fact]
    public void A_negative_sequence_number_cannot_be_encoded()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DeadLetterCursor.Encode(-1));
    }
}
