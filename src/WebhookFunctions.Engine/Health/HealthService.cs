namespace WebhookFunctions.Engine.Health;

public sealed record HealthReport(bool Healthy, IReadOnlyDictionary<string, string> Checks);

/// <summary>Runs every registered probe.</summary>
public sealed class HealthService
{
    public Task<HealthReport> CheckAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
