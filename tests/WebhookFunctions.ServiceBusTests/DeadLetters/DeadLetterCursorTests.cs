using System.Buffers.Text;
using System.Text;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.ServiceBus.DeadLetters;

namespace WebhookFunctions.ServiceBusTests.DeadLetters;

public class DeadLetterCursorTests
{
    [Theory]
    [InlineData(DeadLetterStage.Delivery, 0L)]
    [InlineData(DeadLetterStage.Delivery, 8_589_934_592L)]
    [InlineData(DeadLetterStage.FanOut, 1L)]
    [InlineData(DeadLetterStage.FanOut, long.MaxValue)]
    public void A_token_decodes_to_the_sub_queue_and_sequence_number_it_was_made_from(DeadLetterStage source, long sequenceNumber)
    {
        Assert.Equal((source, sequenceNumber), DeadLetterCursor.Decode(DeadLetterCursor.Encode(source, sequenceNumber)));
    }

    [Fact]
    public void The_two_sub_queues_give_different_tokens_for_the_same_sequence_number()
    {
        Assert.NotEqual(DeadLetterCursor.Encode(DeadLetterStage.Delivery, 7), DeadLetterCursor.Encode(DeadLetterStage.FanOut, 7));
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
        var token = DeadLetterCursor.Encode(DeadLetterStage.FanOut, long.MaxValue);

        Assert.Matches("^[A-Za-z0-9_-]+$", token);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("not a token!")]
    [InlineData("sbdlq:-1")]
    [InlineData("sbdlq:10")]
    [InlineData("sbdlq:d:abc")]
    [InlineData("sbdlq:d:-1")]
    [InlineData("sbdlq:x:10")]
    [InlineData("sbdlq:f:")]
    [InlineData("other:d:10")]
    public void A_token_this_listing_did_not_make_is_refused(string text)
    {
        var token = text.Contains(':', StringComparison.Ordinal) ? Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text)) : text;

        Assert.Throws<InvalidContinuationTokenException>(() => DeadLetterCursor.Decode(token));
    }

    [Fact]
    public void A_negative_sequence_number_or_an_unknown_stage_cannot_be_encoded()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DeadLetterCursor.Encode(DeadLetterStage.Delivery, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeadLetterCursor.Encode((DeadLetterStage)7, 1));
    }
}
