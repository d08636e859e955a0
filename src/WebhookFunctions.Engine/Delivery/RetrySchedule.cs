namespace WebhookFunctions.Engine.Delivery;

/// <summary>When the next attempt is due, or null when the attempts are used up.</summary>
public static class RetrySchedule
{
    /// <summary>The longest a receiver's Retry-After can push an attempt out.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    /// <summary>
    /// After attempt <paramref name="attemptMade"/> (1-based) failed at <paramref name="now"/>: the delay is
    /// schedule[attemptMade] with ±jitter; a receiver's Retry-After is honoured, clamped to
    /// [scheduled delay, 2 × scheduled delay] and to 24 h. Null when attemptMade ≥ schedule length.
    /// </summary>
    public static DateTimeOffset? NextAttemptAt(IReadOnlyList<TimeSpan> schedule, double jitter, int attemptMade, DateTimeOffset now, TimeSpan? retryAfter, Random random)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptMade, 1);
        if (jitter is < 0 or >= 1 || double.IsNaN(jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "Jitter is a fraction in [0, 1).");
        }

        if (attemptMade >= schedule.Count)
        {
            return null;
        }

        var factor = 1 + (jitter * ((2 * random.NextDouble()) - 1));
        var scheduled = schedule[attemptMade] * factor;
        return now + (retryAfter is { } requested ? HonourRetryAfter(scheduled, requested) : scheduled);
    }

    /// <summary>
    /// The longest time from a first attempt to the last one <see cref="NextAttemptAt"/> can schedule: every delay at
    /// its jittered maximum, stretched by Retry-After as far as it is honoured, plus every attempt's timeout.
    /// </summary>
    public static TimeSpan MaxRetryWindow(IReadOnlyList<TimeSpan> schedule, double jitter, TimeSpan attemptTimeout)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var window = attemptTimeout * schedule.Count;
        for (var attemptMade = 1; attemptMade < schedule.Count; attemptMade++)
        {
            var scheduled = schedule[attemptMade] * (1 + jitter);
            window += HonourRetryAfter(scheduled, TimeSpan.MaxValue);
        }

        return window;
    }

    // The receiver may ask for more time than the schedule gives, up to twice as much (and a day at most); it
    // cannot make us retry sooner than planned, which keeps one noisy endpoint from eating the retry budget.
    private static TimeSpan HonourRetryAfter(TimeSpan scheduled, TimeSpan requested)
    {
        var ceiling = TimeSpan.FromTicks(Math.Min(scheduled.Ticks * 2, MaxRetryAfter.Ticks));
        var honoured = requested > ceiling ? ceiling : requested;
        return honoured > scheduled ? honoured : scheduled;
    }
}
