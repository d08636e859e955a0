using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Delivery.Decisions;
using WebhookFunctions.Engine.Delivery.EndpointHealth;
using WebhookFunctions.Engine.Subscriptions;
using Outcome = WebhookFunctions.Engine.Delivery.Decisions.DeliveryOutcome;

namespace WebhookFunctions.UnitTests.Delivery;

/// <summary>Every row of the README's "What a receiver gets, and when", as the decision makes it.</summary>
public class DeliveryDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 13, 14, 32, 630, TimeSpan.Zero);
    private static readonly DeliveryOptions Delivery = new() { Jitter = 0, RetrySchedule = [TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5)] };
    private static readonly EndpointHealthOptions Health = new() { DisableAfterFailingFor = TimeSpan.FromDays(5) };

    private static readonly Subscription Enabled = new()
    {
        Id = "sub-1",
        Url = new Uri("https://receiver.example/hooks"),
        EventTypes = ["order.*"],
        Secrets = [new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)],
        CreatedAt = Now.AddDays(-30),
        UpdatedAt = Now.AddDays(-30),
    };

    private static readonly DeliveryJob FirstAttempt = new("evt-1", "order.created", ["sub-1"], Attempt: 1, TraceParent: null);

    public static TheoryData<string, Subscription?, Admission, Outcome?> BeforeAttemptRows => new()
    {
        { "a deleted subscription is skipped", null, Admission.Now, new Outcome.Skipped(SkipReasons.SubscriptionDeleted) },
        {
            "a disabled subscription's job is parked, named as the API names the reason",
            Enabled with { Status = SubscriptionStatus.Disabled, DisabledReason = DisabledReason.EndpointGone },
            Admission.Now,
            new Outcome.DeadLetter(DeadLetterReason.SubscriptionDisabled, "The subscription is disabled (endpointGone); replay after enabling it.")
        },
        {
            "an endpoint that cannot take the attempt now defers it without using it",
            Enabled,
            Admission.Later(Now.AddMinutes(2), "circuit open"),
            new Outcome.Deferred(Now.AddMinutes(2), "circuit open")
        },
        { "an enabled subscription whose endpoint admits the attempt gets it", Enabled, Admission.Now, null },
    };

    [Fact]
    public void An_operational_event_about_the_subscription_itself_is_skipped_whatever_its_state()
    {
        var aboutItself = new Outcome.Skipped(SkipReasons.AboutItself);
        Assert.Equal(aboutItself, DeliveryDecision.BeforeAttempt(Enabled, Admission.Now, eventIsAboutIt: true));
        Assert.Equal(aboutItself, DeliveryDecision.BeforeAttempt(Enabled with { Status = SubscriptionStatus.Disabled }, Admission.Now, eventIsAboutIt: true));
        Assert.Equal(new Outcome.Skipped(SkipReasons.SubscriptionDeleted), DeliveryDecision.BeforeAttempt(null, Admission.Now, eventIsAboutIt: true));
    }

    [Theory]
    [MemberData(nameof(BeforeAttemptRows))]
    public void Before_an_attempt(string row, Subscription? subscription, Admission admission, Outcome? expected)
    {
        Assert.False(string.IsNullOrEmpty(row));
        Assert.Equal(expected, DeliveryDecision.BeforeAttempt(subscription, admission));
    }

    public static TheoryData<string, SendResult, int, DateTimeOffset?, Outcome> AfterAttemptRows => new()
    {
        { "200 is delivered", Status(200), 1, null, new Outcome.Delivered() },
        { "any 2xx is delivered", Status(299), 2, Now.AddHours(-1), new Outcome.Delivered() },
        { "a 500 is retried after the next scheduled delay", Status(500), 1, null, new Outcome.Retry(Now.AddSeconds(5)) },
        { "a redirect is not followed but retried", Status(301), 1, null, new Outcome.Retry(Now.AddSeconds(5)) },
        { "a timeout is retried", Failure(SendErrors.Timeout), 2, Now.AddMinutes(-1), new Outcome.Retry(Now.AddMinutes(5)) },
        { "a refused connection is retried", Failure(SendErrors.ConnectionRefused), 1, null, new Outcome.Retry(Now.AddSeconds(5)) },
        { "a 429's Retry-After is honoured up to twice the scheduled delay", Status(429, retryAfter: TimeSpan.FromSeconds(8)), 1, null, new Outcome.Retry(Now.AddSeconds(8)) },
        { "a 503's Retry-After beyond twice the delay is clamped", Status(503, retryAfter: TimeSpan.FromHours(1)), 1, null, new Outcome.Retry(Now.AddSeconds(10)) },
        {
            "a failure of the last attempt is dead-lettered as maxAttemptsExceeded",
            Status(500), 3, Now.AddMinutes(-10),
            new Outcome.DeadLetter(DeadLetterReason.MaxAttemptsExceeded, "Gave up after 3 attempts; the last ended with HTTP 500.")
        },
        {
            "410 dead-letters as endpointGone and disables the subscription",
            Status(410), 1, null,
            new Outcome.DeadLetter(DeadLetterReason.EndpointGone, "The endpoint answered 410 Gone; the subscription was disabled (endpointGone).", DisabledReason.EndpointGone)
        },
        {
            "413 dead-letters as payloadRejected and keeps the subscription",
            Status(413), 1, null,
            new Outcome.DeadLetter(DeadLetterReason.PayloadRejected, "The endpoint answered 413 Payload Too Large; retrying the same body cannot succeed.")
        },
        {
            "a destination the egress guard refuses is dead-lettered as destinationBlocked",
            Failure(SendErrors.DestinationBlocked), 1, null,
            new Outcome.DeadLetter(DeadLetterReason.DestinationBlocked, "The egress guard refused the destination address (destinationBlocked).")
        },
        {
            "a retryable failure after failing for the whole disable window disables the subscription as failingTooLong",
            Status(500), 2, Now.AddDays(-5),
            new Outcome.DeadLetter(
                DeadLetterReason.SubscriptionDisabled,
                "The endpoint has failed since 2026-11-25T13:14:32.630Z; the subscription was disabled (failingTooLong). Last: HTTP 500.",
                DisabledReason.FailingTooLong)
        },
        { "a retryable failure just inside the disable window is retried", Status(500), 1, Now.AddDays(-5).AddMilliseconds(1), new Outcome.Retry(Now.AddSeconds(5)) },
        {
            "410 disables even a subscription that has failed too long: the terminal reason wins",
            Status(410), 2, Now.AddDays(-6),
            new Outcome.DeadLetter(DeadLetterReason.EndpointGone, "The endpoint answered 410 Gone; the subscription was disabled (endpointGone).", DisabledReason.EndpointGone)
        },
    };

    [Theory]
    [MemberData(nameof(AfterAttemptRows))]
    public void After_an_attempt(string row, SendResult result, int attempt, DateTimeOffset? failingSince, Outcome expected)
    {
        Assert.False(string.IsNullOrEmpty(row));
        var outcome = DeliveryDecision.AfterAttempt(result, Enabled with { FailingSince = failingSince }, FirstAttempt with { Attempt = attempt }, Now, Delivery, Health, new Random(7));

        Assert.Equal(expected, outcome);
    }

    [Fact]
    public void Jitter_moves_a_retry_within_its_fraction_of_the_delay()
    {
        var jittered = new DeliveryOptions { Jitter = 0.2, RetrySchedule = Delivery.RetrySchedule };
        var dueTimes = Enumerable.Range(0, 50)
            .Select(seed => Assert.IsType<Outcome.Retry>(DeliveryDecision.AfterAttempt(Status(500), Enabled, FirstAttempt, Now, jittered, Health, new Random(seed))).At)
            .ToList();

        Assert.All(dueTimes, at => Assert.InRange(at, Now.AddSeconds(4), Now.AddSeconds(6)));
        Assert.True(dueTimes.Distinct().Count() > 1, "Jitter never moved the due time.");
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    [InlineData(false, false, true)]
    [InlineData(false, true, true)]
    public void The_failing_since_mark_is_set_by_the_first_failure_kept_by_later_ones_and_cleared_by_a_success(bool delivered, bool wasFailing, bool failingAfter)
    {
        var before = wasFailing ? Now.AddHours(-3) : (DateTimeOffset?)null;
        Outcome outcome = delivered ? new Outcome.Delivered() : new Outcome.Retry(Now.AddSeconds(5));

        var after = DeliveryDecision.FailingSinceAfter(before, outcome, Now);

        Assert.Equal(failingAfter, after is not null);
        if (failingAfter)
        {
            Assert.Equal(before ?? Now, after);
        }
    }

    private static SendResult Status(int status, TimeSpan? retryAfter = null) => new(status, null, null, TimeSpan.FromMilliseconds(40), retryAfter);

    private static SendResult Failure(string error) => new(null, error, null, TimeSpan.FromMilliseconds(40), null);
}
