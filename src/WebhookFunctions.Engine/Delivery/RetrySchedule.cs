namespace WebhookFunctions.Engine.Delivery;

/// <summary>When the next attempt is due, or null when the attempts are used up.</summary>
public static class RetrySchedule
{
    /// <summary>
    /// After attempt <paramref name="attemptMade"/> (1-based) failed at <paramref name="now"/>: the delay is
    /// schedule[attemptMade] with ±jitter; a receiver's Retry-After is honoured, clamped to
    /// [scheduled delay, 2 × scheduled delay] and to 24 h. Null when attemptMade ≥ schedule length.
    /// </summary>
    public static DateTimeOffset? NextAttemptAt(IReadOnlyList<TimeSpan> schedule, double jitter, int attemptMade, DateTimeOffset now, TimeSpan? retryAfter, Random random) =>
        throw new NotImplementedException();
}
