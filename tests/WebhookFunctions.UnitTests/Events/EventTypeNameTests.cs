using WebhookFunctions.Engine.Events;

namespace WebhookFunctions.UnitTests.Events;

public class EventTypeNameTests
{
    [Theory]
    [InlineData("order")]
    [InlineData("order.created")]
    [InlineData("order.item.added")]
    [InlineData("Invoice.Paid")]
    [InlineData("user_profile-v2.updated")]
    [InlineData("a")]
    [InlineData("1.2.3")]
    [InlineData("-._")] // segments "-" and "_" are non-empty
    public void Dot_separated_segments_of_allowed_characters_are_valid(string type)
    {
        Assert.True(EventTypeName.IsValid(type));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".order")]
    [InlineData("order.")]
    [InlineData("order..created")]
    [InlineData(".")]
    [InlineData("order created")]
    [InlineData("order/created")]
    [InlineData("order.*")]
    [InlineData("*")]
    [InlineData("ordér.created")]
    [InlineData("order.created\n")]
    public void Empty_segments_and_other_characters_are_invalid(string? type)
    {
        Assert.False(EventTypeName.IsValid(type));
    }

    [Fact]
    public void The_length_limit_is_128_characters()
    {
        Assert.True(EventTypeName.IsValid(new string('a', 128)));
        Assert.False(EventTypeName.IsValid(new string('a', 129)));
    }
}
