using System.ComponentModel.DataAnnotations;

namespace WebhookFunctions.Engine.Delivery;

/// <summary>How deliveries are made and retried. Bound from the "Delivery" configuration section.</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    /// <summary>The delay before each attempt: entry k is waited before attempt k+1. Its length is the attempt limit.</summary>
    [MinLength(1)]
    public IList<TimeSpan> RetrySchedule { get; set; } = DefaultRetrySchedule.ToList();

    /// <summary>Each delay is multiplied by a random factor in [1 - Jitter, 1 + Jitter].</summary>
    [Range(0.0, 0.9)]
    public double Jitter { get; set; } = 0.2;

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many subscription ids fan-out puts in one delivery message (1 on Service Bus).</summary>
    [Range(1, 100)]
    public int FanOutBatchSize { get; set; } = 50;

    /// <summary>How long a cached index lookup or subscription is used before it is read again (writes in this process drop it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan SubscriptionCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The subscription cache's bound, in subscription ids held (a cached lookup counts its entries plus one, a cached
    /// subscription one); least recently used lookups go first once it is full.
    /// </summary>
    [Range(1, 100_000_000)]
    public long SubscriptionCacheSize { get; set; } = 200_000;

    /// <summary>Plain http:// receiver URLs; for local development only.</summary>
    public bool AllowHttpUrls { get; set; }

    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a rotated-out secret keeps signing beside the new one.</summary>
    public TimeSpan SecretRotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The receiver's response body kept in the delivery log, in bytes.</summary>
    public int ResponseBodyLimit { get; set; } = 4096;

    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
    [
        TimeSpan.Zero,
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(14),
        TimeSpan.FromHours(20),
        TimeSpan.FromHours(24),
    ];
}
