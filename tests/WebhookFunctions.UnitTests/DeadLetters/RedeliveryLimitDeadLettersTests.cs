using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.UnitTests.DeadLetters;

public sealed class RedeliveryLimitDeadLettersTests
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset EnqueuedAt = Now.AddMinutes(-90);

    [Fact]
    public void A_notice_becomes_one_fan_out_dead_letter_without_a_subscription()
    {
        var deadLetter = RedeliveryLimitDeadLetters.For(new EventNotice("evt_1", "order.created", TraceParent), "received 21 times without being completed", 21, EnqueuedAt, Now);

        Assert.Equal(DeadLetterStage.FanOut, deadLetter.Stage);
        Assert.Null(deadLetter.SubscriptionId);
        Assert.Equal(("evt_1", "order.created", TraceParent), (deadLetter.EventId, deadLetter.EventType, deadLetter.TraceParent));
        Assert.Equal(DeadLetterReason.MaxAttemptsExceeded, deadLetter.Reason);
        Assert.Equal((21, EnqueuedAt, Now), (deadLetter.Attempts, deadLetter.FirstAttemptAt, deadLetter.LastAttemptAt));
        Assert.Equal((null, null), (deadLetter.LastStatusCode, deadLetter.LastError));
        Assert.Equal(
            "The event was not fanned out: its notice was received 21 times without being completed. Replay fans it out again, to the subscriptions that match then.",
            deadLetter.Description);
    }

    [Fact]
    public void A_batched_job_becomes_one_delivery_dead_letter_per_subscription_with_the_attempts_it_made()
    {
        var job = new DeliveryJob("evt_1", "order.created", ["sub_a", "sub_b", "sub_c"], Attempt: 3, TraceParent, FirstAttemptAt: Now.AddDays(-1), LastStatusCode: 503, LastError: null);

        var deadLetters = RedeliveryLimitDeadLetters.For(job, "received 21 times without being completed", EnqueuedAt, Now);

        Assert.Equal(["sub_a", "sub_b", "sub_c"], deadLetters.Select(d => d.SubscriptionId));
        Assert.All(deadLetters, deadLetter =>
        {
            Assert.Equal(DeadLetterStage.Delivery, deadLetter.Stage);
            Assert.Equal((2, Now.AddDays(-1), Now, 503), (deadLetter.Attempts, deadLetter.FirstAttemptAt, deadLetter.LastAttemptAt, deadLetter.LastStatusCode));
            Assert.Equal(TraceParent, deadLetter.TraceParent);
            Assert.StartsWith("Attempt 3 never completed: the delivery message was received 21 times", deadLetter.Description, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_first_attempt_that_never_completed_dates_from_when_the_job_was_queued()
    {
        var job = new DeliveryJob("evt_1", "order.created", ["sub_a"], Attempt: 1, null);

        var deadLetter = Assert.Single(RedeliveryLimitDeadLetters.For(job, "received 21 times without being completed", EnqueuedAt, Now));

        Assert.Equal((0, EnqueuedAt), (deadLetter.Attempts, deadLetter.FirstAttemptAt));
    }
}
