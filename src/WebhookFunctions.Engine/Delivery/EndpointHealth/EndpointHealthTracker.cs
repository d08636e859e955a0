using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace WebhookFunctions.Engine.Delivery.EndpointHealth;

/// <summary>
/// Per-subscription circuit breaker, adaptive concurrency (AIMD) and optional rate limit, in this process.
/// Hand-written rather than Polly's breaker: a job refused here is re-scheduled to the probe time instead of
/// failing, and the state is keyed by subscription with a concurrency limit that moves with the endpoint.
/// </summary>
public sealed class EndpointHealthTracker : IDisposable
{
    private readonly ConcurrentDictionary<string, EndpointState> states = new(StringComparer.Ordinal);
    private readonly EndpointHealthOptions options;
    private readonly TimeProvider timeProvider;
    private readonly PartitionedRateLimiter<string>? rateLimiter;

    public EndpointHealthTracker(IOptions<EndpointHealthOptions> options, TimeProvider timeProvider)
    {
        this.options = options.Value;
        this.timeProvider = timeProvider;
        if (this.options.MaxRequestsPerSecond > 0)
        {
            var perSecond = this.options.MaxRequestsPerSecond;
            rateLimiter = PartitionedRateLimiter.Create<string, string>(id => RateLimitPartition.GetTokenBucketLimiter(id, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        }
    }

    /// <summary>Asks to make one attempt; an admitted attempt must be followed by exactly one <see cref="Release"/>.</summary>
    public Admission TryAdmit(string subscriptionId)
    {
        var now = timeProvider.GetUtcNow();
        var state = states.GetOrAdd(subscriptionId, _ => new EndpointState(options.InitialConcurrency, options.OpenDuration));
        lock (state)
        {
            if (state.OpenUntil is { } openUntil)
            {
                if (now < openUntil)
                {
                    return Admission.Later(Spread(openUntil, state.OpenFor), "circuitOpen");
                }

                if (state.ProbeInFlight)
                {
                    return Admission.Later(Spread(now + state.OpenFor, state.OpenFor), "circuitProbing");
                }

                state.ProbeInFlight = true;
                state.InFlight++;
                return Admission.Now;
            }

            if (state.InFlight >= (int)state.Limit)
            {
                return Admission.Later(now + BusyDelay(state), "endpointBusy");
            }

            if (rateLimiter is not null)
            {
                using var lease = rateLimiter.AttemptAcquire(subscriptionId);
                if (!lease.IsAcquired)
                {
                    return Admission.Later(now + TimeSpan.FromSeconds(1) + Jitter(TimeSpan.FromSeconds(1)), "rateLimited");
                }
            }

            state.InFlight++;
            return Admission.Now;
        }
    }

    public void Release(string subscriptionId, EndpointSignal signal, TimeSpan duration)
    {
        if (!states.TryGetValue(subscriptionId, out var state))
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        lock (state)
        {
            state.InFlight = Math.Max(0, state.InFlight - 1);
            state.AverageDuration = state.AverageDuration == TimeSpan.Zero ? duration : (state.AverageDuration * 0.8) + (duration * 0.2);
            if (signal == EndpointSignal.Success)
            {
                state.ConsecutiveFailures = 0;
                state.OpenUntil = null;
                state.ProbeInFlight = false;
                state.OpenFor = options.OpenDuration;
                state.Limit = Math.Min(options.MaxConcurrency, state.Limit + 1);
                return;
            }

            state.ConsecutiveFailures++;
            if (signal == EndpointSignal.Overload)
            {
                state.Limit = Math.Max(1, state.Limit / 2);
            }

            if (state.ProbeInFlight)
            {
                state.ProbeInFlight = false;
                state.OpenFor = TimeSpan.FromTicks(Math.Min(options.MaxOpenDuration.Ticks, state.OpenFor.Ticks * 2));
                state.OpenUntil = now + state.OpenFor;
            }
            else if (state.OpenUntil is null && state.ConsecutiveFailures >= options.FailureThreshold)
            {
                state.OpenUntil = now + state.OpenFor;
            }
        }
    }

    /// <summary>The state of one endpoint, for tests and diagnostics.</summary>
    public (bool Open, double ConcurrencyLimit, int InFlight) Inspect(string subscriptionId) =>
        states.TryGetValue(subscriptionId, out var state) ? (state.OpenUntil is not null, state.Limit, state.InFlight) : (false, options.InitialConcurrency, 0);

    public void Dispose() => rateLimiter?.Dispose();

    private static TimeSpan BusyDelay(EndpointState state) =>
        TimeSpan.FromTicks(Math.Clamp(state.AverageDuration.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks, TimeSpan.FromSeconds(30).Ticks)) + Jitter(TimeSpan.FromMilliseconds(500));

    // Spreads the jobs waiting on one circuit over a tenth of its open time, so they do not return at once.
    private static DateTimeOffset Spread(DateTimeOffset at, TimeSpan openFor) => at + Jitter(openFor / 10);

    private static TimeSpan Jitter(TimeSpan max) => TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * max.Ticks));

    private sealed class EndpointState(int initialLimit, TimeSpan openDuration)
    {
        public int ConsecutiveFailures { get; set; }

        public DateTimeOffset? OpenUntil { get; set; }

        public TimeSpan OpenFor { get; set; } = openDuration;

        public bool ProbeInFlight { get; set; }

        public double Limit { get; set; } = initialLimit;

        public int InFlight { get; set; }

        public TimeSpan AverageDuration { get; set; }
    }
}
