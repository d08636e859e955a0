using System.ComponentModel.DataAnnotations;

namespace WebhookFunctions.Storage.Workers;

/// <summary>How the self-hosted fan-out and delivery workers read their queues. Bound from the "Workers" section.</summary>
public sealed class WorkerOptions : IValidatableObject
{
    public const string SectionName = "Workers";

    /// <summary>Delivery messages processed at once.</summary>
    [Range(1, 256)]
    public int DeliveryConcurrency { get; set; } = 16;

    /// <summary>Event notices fanned out at once.</summary>
    [Range(1, 64)]
    public int FanOutConcurrency { get; set; } = 2;

    /// <summary>Messages asked for per receive (the service's maximum is 32).</summary>
    [Range(1, 32)]
    public int ReceiveBatchSize { get; set; } = 32;

    /// <summary>The first wait after an empty receive; it doubles up to <see cref="MaxPollDelay"/> while queues stay empty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MinPollDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan MaxPollDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a received message stays invisible; renewed every third of it while the message is held.</summary>
    [Range(typeof(TimeSpan), "00:00:03", "01:00:00")]
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// When processing a message failed for a reason other than a transient fault of a dependency (those wait the
    /// engine's FaultBackoff instead), how long before it reappears for another try.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryDelayAfterError { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A message received more often than this, its fault retries not counted, becomes the dead letters of its stage
    /// (fan-out or delivery), listed and replayed by the API.
    /// </summary>
    [Range(1, 1000)]
    public int MaxDequeueCount { get; set; } = 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinPollDelay > MaxPollDelay)
        {
            yield return new ValidationResult("Workers:MinPollDelay must not exceed Workers:MaxPollDelay.", [nameof(MinPollDelay), nameof(MaxPollDelay)]);
        }
    }
}
