using System.ComponentModel.DataAnnotations;

namespace WebhookFunctions.Engine.Delivery.EndpointHealth;

/// <summary>How one broken endpoint is kept from hurting the others. Bound from the "EndpointHealth" section.</summary>
public sealed class EndpointHealthOptions
{
    public const string SectionName = "EndpointHealth";

    /// <summary>Consecutive failures that open an endpoint's circuit.</summary>
    [Range(1, 1000)]
    public int FailureThreshold { get; set; } = 5;

    /// <summary>
    /// How long a circuit first stays open; each failed probe doubles it up to <see cref="MaxOpenDuration"/>. Every
    /// job waiting on an open circuit costs a queue round trip per open period, shared by all endpoints: measured
    /// with one hanging and one failing endpoint beside 20 healthy ones, 30 s made the healthy p95 2.8× slower,
    /// 2 min 1.7×.
    /// </summary>
    public TimeSpan OpenDuration { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan MaxOpenDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Requests in flight to one endpoint at first; +1 per success, halved on 429/503/timeout (AIMD).</summary>
    [Range(1, 1000)]
    public int InitialConcurrency { get; set; } = 4;

    [Range(1, 1000)]
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>Optional fixed cap on requests per second to one subscription (0: none).</summary>
    [Range(0, 100_000)]
    public int MaxRequestsPerSecond { get; set; }

    /// <summary>A subscription failing without a success for this long is disabled with failingTooLong.</summary>
    public TimeSpan DisableAfterFailingFor { get; set; } = TimeSpan.FromDays(5);
}
