using WebhookFunctions.Storage.Queues;

namespace WebhookFunctions.IntegrationTests.Queues;

public sealed class QueueLimitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 13, 14, 32, 630, TimeSpan.Zero);

    [Theory]
    [InlineData(-1500, 0)]
    [InlineData(0, 0)]
    [InlineData(1, 1_000)]
    [InlineData(300, 1_000)]
    [InlineData(999, 1_000)]
    [InlineData(1_000, 1_000)]
    [InlineData(1_001, 2_000)]
    [InlineData(4_200, 5_000)]
    public void A_message_is_never_visible_before_it_is_due(int dueInMilliseconds, int expectedDelayMilliseconds)
    {
        var delay = QueueLimits.DelayUntil(Now.AddMilliseconds(dueInMilliseconds), Now);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedDelayMilliseconds), delay);
        Assert.True(Now + delay >= Now.AddMilliseconds(dueInMilliseconds));
    }
}
