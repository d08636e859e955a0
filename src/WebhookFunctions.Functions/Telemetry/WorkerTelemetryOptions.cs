using System.ComponentModel.DataAnnotations;

namespace WebhookFunctions.Functions.Telemetry;

/// <summary>Telemetry of the worker process (not the Functions host, which host.json configures). Section "Telemetry".</summary>
public sealed class WorkerTelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Share of operations whose telemetry the worker sends, in percent: the same fixed rate for the Application
    /// Insights SDK (logs, dependencies) and for the engine's spans, so an operation is kept or dropped as a whole.
    /// 100 sends everything.
    /// </summary>
    [Range(0.01, 100)]
    public double SamplingPercentage { get; set; } = 100;
}
