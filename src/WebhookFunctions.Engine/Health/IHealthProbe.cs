namespace WebhookFunctions.Engine.Health;

/// <summary>Port: one dependency's reachability (storage, queue) for GET /api/health.</summary>
public interface IHealthProbe
{
    string Name { get; }

    /// <summary>Null when healthy, else a one-line reason.</summary>
    Task<string?> CheckAsync(CancellationToken cancellationToken);
}
