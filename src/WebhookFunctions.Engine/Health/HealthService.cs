using Microsoft.Extensions.Logging;

namespace WebhookFunctions.Engine.Health;

/// <summary>
/// Runs every registered probe at once, each bounded by a timeout, and keeps the report for a few seconds: the health
/// endpoint is anonymous, so a flood of requests costs the dependencies one round of probes per
/// <see cref="ReportLifetime"/>, and concurrent callers share the round in flight.
/// </summary>
public sealed class HealthService(IEnumerable<IHealthProbe> probes, TimeProvider time, ILogger<HealthService> logger)
{
    public const string Healthy = "healthy";

    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a finished report is served before the probes run again.</summary>
    public static readonly TimeSpan ReportLifetime = TimeSpan.FromSeconds(5);

    private readonly IHealthProbe[] probes = probes.ToArray();
    private readonly Lock gate = new();
    private Task<HealthReport>? latest;

    /// <summary>The latest report when it is fresh, else the round in flight, else a new round.</summary>
    public Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        Task<HealthReport> round;
        lock (gate)
        {
            if (latest is null || IsStale(latest))
            {
                // Not tied to the caller's token: other callers may wait on the same round; the probe timeout bounds it.
                latest = Task.Run(RunProbesAsync, CancellationToken.None);
            }

            round = latest;
        }

        return round.WaitAsync(cancellationToken);
    }

    private bool IsStale(Task<HealthReport> round) =>
        round.IsCompleted && (!round.IsCompletedSuccessfully || time.GetUtcNow() - round.Result.CheckedAt >= ReportLifetime);

    private async Task<HealthReport> RunProbesAsync()
    {
        var results = await Task.WhenAll(probes.Select(async probe => (probe.Name, Problem: await RunAsync(probe))));
        var checks = results.ToDictionary(r => r.Name, r => r.Problem ?? Healthy, StringComparer.Ordinal);
        return new HealthReport(results.All(r => r.Problem is null), checks, time.GetUtcNow());
    }

    /// <summary>Null when the probe answered, else the reason code; the exception is logged, never reported.</summary>
    private async Task<string?> RunAsync(IHealthProbe probe)
    {
        using var timeout = new CancellationTokenSource(ProbeTimeout, time);
        try
        {
            await probe.CheckAsync(timeout.Token);
            return null;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Health check {Check} did not answer within {Timeout}.", probe.Name, ProbeTimeout);
            return HealthReasons.Timeout;
        }
#pragma warning disable CA1031 // A probe's failure is the health result, whatever it is.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var reason = ReasonFor(probe, ex);
            logger.LogWarning(ex, "Health check {Check} failed: {Reason}.", probe.Name, reason);
            return reason;
        }
    }

    private static string ReasonFor(IHealthProbe probe, Exception exception)
    {
        try
        {
            var reason = probe.ReasonFor(exception);
            return reason is HealthReasons.Timeout or HealthReasons.Unauthorized or HealthReasons.NotFound or HealthReasons.Unavailable
                ? reason
                : HealthReasons.Unavailable;
        }
#pragma warning disable CA1031 // A classifier that fails still leaves a reason to report.
        catch (Exception)
#pragma warning restore CA1031
        {
            return HealthReasons.Unavailable;
        }
    }
}
