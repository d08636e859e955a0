using WebhookFunctions.Engine.Faults;

namespace WebhookFunctions.UnitTests.Faults;

public sealed class FaultBackoffTests
{
    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(5, 160)]
    [InlineData(6, 300)]
    [InlineData(7, 300)]
    public void Without_jitter_the_wait_doubles_from_five_seconds_up_to_five_minutes(int faultRetries, int expectedSeconds)
    {
        var backoff = new FaultBackoff(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), jitter: 0, maxFaultRetries: 300);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), backoff.Delay(faultRetries, new Random(1)));
    }

    [Fact]
    public void A_count_far_past_the_cap_still_waits_the_cap_without_overflowing()
    {
        var backoff = new FaultBackoff(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), jitter: 0, maxFaultRetries: int.MaxValue);

        Assert.Equal(TimeSpan.FromMinutes(5), backoff.Delay(int.MaxValue - 1, new Random(1)));
    }

    [Fact]
    public void Jitter_stays_within_its_fraction_and_spreads_across_it()
    {
        var random = new Random(2026);
        var delays = Enumerable.Range(0, 10_000).Select(_ => FaultBackoff.Default.Delay(2, random)).ToList();
        var unjittered = TimeSpan.FromSeconds(20);

        Assert.All(delays, delay => Assert.InRange(delay, unjittered * 0.8, unjittered * 1.2));
        Assert.True(delays.Min() < unjittered * 0.81, $"shortest {delays.Min()} does not reach the lower end");
        Assert.True(delays.Max() > unjittered * 1.19, $"longest {delays.Max()} does not reach the upper end");
    }

    [Fact]
    public void The_budget_is_spent_after_its_last_fault_retry()
    {
        var backoff = new FaultBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 0, maxFaultRetries: 3);

        Assert.False(backoff.IsSpent(2));
        Assert.True(backoff.IsSpent(3));
        Assert.True(backoff.IsSpent(4));
    }

    [Fact]
    public void The_default_budget_rides_out_a_day_of_outage()
    {
        var backoff = FaultBackoff.Default;
        var unjittered = new FaultBackoff(backoff.First, backoff.Max, 0, backoff.MaxFaultRetries);

        var total = Enumerable.Range(0, backoff.MaxFaultRetries).Aggregate(TimeSpan.Zero, (sum, n) => sum + unjittered.Delay(n, new Random(1)));

        Assert.InRange(total, TimeSpan.FromHours(24), TimeSpan.FromHours(26));
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(4, 1)]
    [InlineData(30, 3)]
    [InlineData(60, 4)]
    [InlineData(90, 4)]
    [InlineData(124, 5)]
    public void Most_retries_within_a_window_counts_the_waits_at_their_lower_jitter_bound(int windowSeconds, int expected)
    {
        // Lower bounds: 4 s, 8 s, 16 s, 32 s, 64 s, ... cumulated 4, 12, 28, 60, 124, ...
        Assert.Equal(expected, FaultBackoff.Default.MostRetriesWithin(TimeSpan.FromSeconds(windowSeconds)));
    }

    [Fact]
    public void No_sequence_of_jittered_waits_fits_more_retries_into_a_window_than_most_retries_within_says()
    {
        var random = new Random(7);
        var window = TimeSpan.FromSeconds(75);
        var bound = FaultBackoff.Default.MostRetriesWithin(window);

        for (var run = 0; run < 2_000; run++)
        {
            var (retries, elapsed) = (0, TimeSpan.Zero);
            while ((elapsed += FaultBackoff.Default.Delay(retries, random)) <= window)
            {
                retries++;
            }

            Assert.InRange(retries, 0, bound);
        }
    }

    [Fact]
    public void A_backoff_that_cannot_work_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultBackoff(TimeSpan.Zero, TimeSpan.FromSeconds(1), 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1.0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultBackoff.Default.Delay(-1, new Random(1)));
    }
}
