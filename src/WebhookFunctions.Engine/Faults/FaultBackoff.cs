namespace WebhookFunctions.Engine.Faults;

/// <summary>
/// How long a message waits before it is tried again after a transient fault of one of our own dependencies (storage
/// or the message broker unavailable, a timeout): <see cref="First"/> × 2^n, capped at <see cref="Max"/>, with
/// ±<see cref="Jitter"/>, where n counts the fault retries the message already had. Both hosts use it, so a fault costs
/// the same spacing whichever transport carries the message.
/// </summary>
/// <remarks>
/// A fault retry is not a delivery attempt and does not count against the transport's redelivery limit: a storage
/// outage says nothing about the message, so it must not push the message towards a dead letter. The budget
/// (<see cref="MaxFaultRetries"/>) only stops a fault that never clears, or an exception wrongly classified as
/// transient, from cycling for ever; past it, the failure takes the ordinary path and counts again.
/// </remarks>
public sealed class FaultBackoff
{
    public FaultBackoff(TimeSpan first, TimeSpan max, double jitter, int maxFaultRetries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(first, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, first);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFaultRetries);
        if (jitter is < 0 or >= 1 || double.IsNaN(jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "Jitter is a fraction in [0, 1).");
        }

        First = first;
        Max = max;
        Jitter = jitter;
        MaxFaultRetries = maxFaultRetries;
    }

    /// <summary>
    /// 5 s, 10 s, 20 s, … 5 min, ±20 %. The first waits ride out a blip (a restart, a throttling burst) in seconds; the
    /// cap keeps a long outage down to one try per message every five minutes. 300 fault retries are about a day of
    /// outage (5 s + 10 s + … + 160 s, then 294 × 5 min ≈ 24.6 h): an outage shorter than that dead-letters nothing.
    /// </summary>
    public static FaultBackoff Default { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), 0.2, 300);

    /// <summary>The wait before the first fault retry.</summary>
    public TimeSpan First { get; }

    /// <summary>The longest wait, before jitter.</summary>
    public TimeSpan Max { get; }

    /// <summary>Each wait is multiplied by a random factor in [1 − Jitter, 1 + Jitter], so messages that faulted together do not come back together.</summary>
    public double Jitter { get; }

    /// <summary>Fault retries a message gets; past them a fault counts as an ordinary failure.</summary>
    public int MaxFaultRetries { get; }

    /// <summary>The wait before fault retry <paramref name="faultRetries"/> + 1 of a message that already had <paramref name="faultRetries"/>.</summary>
    public TimeSpan Delay(int faultRetries, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var factor = 1 + (Jitter * ((2 * random.NextDouble()) - 1));
        return Unjittered(faultRetries) * factor;
    }

    /// <summary>True once a message had all its fault retries.</summary>
    public bool IsSpent(int faultRetries) => faultRetries >= MaxFaultRetries;

    /// <summary>
    /// The most fault retries one message can have had within <paramref name="window"/>: every wait is at least its
    /// lower jitter bound, so no message fits more waits than this into the window. A test's bound on redeliveries.
    /// </summary>
    public int MostRetriesWithin(TimeSpan window)
    {
        var retries = 0;
        var elapsed = TimeSpan.Zero;
        while (retries < MaxFaultRetries)
        {
            elapsed += Unjittered(retries) * (1 - Jitter);
            if (elapsed > window)
            {
                break;
            }

            retries++;
        }

        return retries;
    }

    private TimeSpan Unjittered(int faultRetries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(faultRetries);

        // Doubling stops at the cap, so a large count cannot overflow.
        var delay = First;
        for (var i = 0; i < faultRetries && delay < Max; i++)
        {
            delay *= 2;
        }

        return delay < Max ? delay : Max;
    }
}
