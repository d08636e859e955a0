namespace WebhookFunctions.Engine.Health;

public sealed record HealthReport(bool Healthy, IReadOnlyDictionary<string, string> Checks);

/// <summary>Runs every registered probe at once, each bounded by a timeout.</summary>
public sealed class HealthService(IEnumerable<IHealthProbe> probes)
{
    public const string Healthy = "healthy";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(probes.Select(async probe => (probe.Name, Problem: await RunAsync(probe, cancellationToken))));
        var checks = results.ToDictionary(r => r.Name, r => r.Problem ?? Healthy);
        return new HealthReport(results.All(r => r.Problem is null), checks);
    }

    private static async Task<string?> RunAsync(IHealthProbe probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            return await probe.CheckAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "timed out";
        }
#pragma warning disable CA1031 // A probe's failure is the health result, whatever it is.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ex.Message.Split('\n')[0];
        }
    }
}
