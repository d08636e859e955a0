namespace WebhookFunctions.Engine.Health;

/// <summary>
/// The outcome of one round of probes: per check name, <see cref="HealthService.Healthy"/> or a reason code from
/// <see cref="HealthReasons"/>.
/// </summary>
public sealed record HealthReport(bool Healthy, IReadOnlyDictionary<string, string> Checks, DateTimeOffset CheckedAt);
