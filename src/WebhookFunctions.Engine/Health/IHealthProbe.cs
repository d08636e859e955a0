namespace WebhookFunctions.Engine.Health;

/// <summary>Port: one dependency's reachability (storage, queue) for the health endpoints.</summary>
public interface IHealthProbe
{
    string Name { get; }

    /// <summary>Completes when the dependency answers; throws when it does not (the health service logs the exception).</summary>
    Task CheckAsync(CancellationToken cancellationToken);

    /// <summary>The reason code (<see cref="HealthReasons"/>) to report for an exception <see cref="CheckAsync"/> threw.</summary>
    string ReasonFor(Exception exception);
}
