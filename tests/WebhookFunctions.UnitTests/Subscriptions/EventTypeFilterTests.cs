using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.UnitTests.Subscriptions;

public class EventTypeFilterTests
{
    [Theory]
    [InlineData("order.created", "order.created", true)]
    [InlineData("order.created", "order.updated", false)]
    [InlineData("order.created", "Order.Created", false)]
    [InlineData("order.created", "order.created.v2", false)]
    [InlineData("order.*", "order.created", true)]
    [InlineData("order.*", "order.item.added", true)]
    [InlineData("order.*", "order", false)]
    [InlineData("order.*", "orders.created", false)]
    [InlineData("order.*", "invoice.order.created", false)]
    [InlineData("order.item.*", "order.item.added", true)]
    [InlineData("order.item.*", "order.created", false)]
    [InlineData("*", "order.created", true)]
    [InlineData("*", "webhook.test", true)]
    public void A_pattern_matches_its_exact_type_its_prefix_or_everything(string pattern, string eventType, bool matches)
    {
        Assert.Equal(matches, EventTypeFilter.Matches([pattern], eventType));
    }

    [Fact]
    public void Any_matching_pattern_in_the_list_is_enough()
    {
        Assert.True(EventTypeFilter.Matches(["invoice.paid", "order.*"], "order.created"));
        Assert.True(EventTypeFilter.Matches(["invoice.paid", "order.*"], "invoice.paid"));
        Assert.False(EventTypeFilter.Matches(["invoice.paid", "order.*"], "invoice.created"));
    }

    [Fact]
    public void No_patterns_match_nothing()
    {
        Assert.False(EventTypeFilter.Matches([], "order.created"));
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("order.created", true)]
    [InlineData("order", true)]
    [InlineData("order.*", true)]
    [InlineData("order.item.*", true)]
    [InlineData("", false)]
    [InlineData(".*", false)]
    [InlineData("*.*", false)]
    [InlineData("order.**", false)]
    [InlineData("order*", false)]
    [InlineData("*.created", false)]
    [InlineData("order.*.created", false)]
    [InlineData("order..*", false)]
    [InlineData("order.", false)]
    [InlineData("order created", false)]
    [InlineData("**", false)]
    public void Valid_patterns_are_star_an_event_type_or_an_event_type_with_dot_star(string pattern, bool valid)
    {
        Assert.Equal(valid, EventTypeFilter.IsValidPattern(pattern));
    }
}
