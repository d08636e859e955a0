using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.UnitTests.Delivery;

public class RetryScheduleTests
{
    private static readonly TimeSpan[] Schedule = [TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromHours(20)];

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 300)]
    [InlineData(3, 72_000)]
    public void Without_jitter_the_next_attempt_waits_the_scheduled_delay_after_the_attempt_made(int attemptMade, int expectedSeconds)
    {
        var next = RetrySchedule.NextAttemptAt(Schedule, 0, attemptMade, time.GetUtcNow(), null, new Random(1));

        Assert.Equal(time.GetUtcNow().AddSeconds(expectedSeconds), next);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void When_the_attempts_are_used_up_there_is_no_next_attempt(int attemptMade)
    {
        Assert.Null(RetrySchedule.NextAttemptAt(Schedule, 0.2, attemptMade, time.GetUtcNow(), null, new Random(1)));
    }

    [Fact]
    public void The_default_schedule_allows_ten_attempts()
    {
        var schedule = DeliveryOptions.DefaultRetrySchedule;

        Assert.NotNull(RetrySchedule.NextAttemptAt(schedule, 0.2, 9, time.GetUtcNow(), null, new Random(1)));
        Assert.Null(RetrySchedule.NextAttemptAt(schedule, 0.2, 10, time.GetUtcNow(), null, new Random(1)));
    }

    [Fact]
    public void Jitter_stays_within_its_fraction_and_spreads_across_it()
    {
        var random = new Random(12345);
        var scheduled = Schedule[2];
        var delays = Enumerable.Range(0, 10_000)
            .Select(_ => RetrySchedule.NextAttemptAt(Schedule, 0.2, 2, time.GetUtcNow(), null, random)!.Value - time.GetUtcNow())
            .ToList();

        Assert.All(delays, delay => Assert.InRange(delay, scheduled * 0.8, scheduled * 1.2));
        Assert.True(delays.Min() < scheduled * 0.81, $"shortest {delays.Min()} does not reach the lower end");
        Assert.True(delays.Max() > scheduled * 1.19, $"longest {delays.Max()} does not reach the upper end");
        Assert.Equal(scheduled.TotalSeconds, delays.Average(d => d.TotalSeconds), scheduled.TotalSeconds * 0.01);
    }

    [Fact]
    public void The_same_seed_gives_the_same_delays()
    {
        var first = RetrySchedule.NextAttemptAt(Schedule, 0.5, 2, time.GetUtcNow(), null, new Random(99));
        var second = RetrySchedule.NextAttemptAt(Schedule, 0.5, 2, time.GetUtcNow(), null, new Random(99));

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(400, 400)] // within [scheduled, 2 × scheduled]: as asked
    [InlineData(60, 300)] // sooner than scheduled: the schedule wins
    [InlineData(0, 300)]
    [InlineData(3600, 600)] // beyond twice the schedule: twice the schedule
    public void Retry_after_is_honoured_between_the_scheduled_delay_and_twice_that(int retryAfterSeconds, int expectedSeconds)
    {
        var next = RetrySchedule.NextAttemptAt(Schedule, 0, 2, time.GetUtcNow(), TimeSpan.FromSeconds(retryAfterSeconds), new Random(1));

        Assert.Equal(time.GetUtcNow().AddSeconds(expectedSeconds), next);
    }

    [Fact]
    public void Retry_after_never_pushes_an_attempt_beyond_24_hours()
    {
        var next = RetrySchedule.NextAttemptAt(Schedule, 0, 3, time.GetUtcNow(), TimeSpan.FromDays(3), new Random(1));

        Assert.Equal(time.GetUtcNow().AddHours(24), next);
    }

    [Fact]
    public void Retry_after_is_clamped_around_the_jittered_delay()
    {
        var random = new Random(2024);
        var scheduled = Schedule[2];
        for (var i = 0; i < 1_000; i++)
        {
            var delay = RetrySchedule.NextAttemptAt(Schedule, 0.2, 2, time.GetUtcNow(), TimeSpan.FromHours(5), random)!.Value - time.GetUtcNow();

            Assert.InRange(delay, scheduled * 0.8 * 2, scheduled * 1.2 * 2);
        }
    }

    [Fact]
    public void The_next_attempt_follows_the_clock_it_is_given()
    {
        var before = RetrySchedule.NextAttemptAt(Schedule, 0, 1, time.GetUtcNow(), null, new Random(1));
        time.Advance(TimeSpan.FromMinutes(7));
        var after = RetrySchedule.NextAttemptAt(Schedule, 0, 1, time.GetUtcNow(), null, new Random(1));

        Assert.Equal(TimeSpan.FromMinutes(7), after - before);
    }

    [Theory]
    [InlineData(0, 0.2)]
    [InlineData(1, -0.1)]
    [InlineData(1, 1.0)]
    public void Nonsense_arguments_are_refused(int attemptMade, double jitter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrySchedule.NextAttemptAt(Schedule, jitter, attemptMade, time.GetUtcNow(), null, new Random(1)));
    }
}
