using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Engine.Retention;

/// <summary>
/// The retention cutoffs at this moment: a record older than its cutoff is expired. Readers hide expired records by
/// this test alone, so a record disappears for every reader at once, however far the sweeper has got.
/// </summary>
public sealed class RetentionPolicy(IOptions<RetentionOptions> retention, IOptions<DeliveryOptions> delivery, TimeProvider timeProvider)
{
    public TimeProvider TimeProvider => timeProvider;

    /// <summary>Events accepted before this are expired, and so is every delivery-log entry of them.</summary>
    public DateTimeOffset EventCutoff => timeProvider.GetUtcNow() - retention.Value.Events;

    /// <summary>Idempotency records made before this are expired (their window has passed).</summary>
    public DateTimeOffset IdempotencyCutoff => timeProvider.GetUtcNow() - delivery.Value.IdempotencyWindow;

    public DateTimeOffset PoisonMessageCutoff => timeProvider.GetUtcNow() - retention.Value.PoisonMessages;

    /// <summary>Whether self-hosted dead letters expire at all (<see cref="RetentionOptions.DeadLetters"/> is set).</summary>
    public bool DeadLettersExpire => retention.Value.DeadLetters is not null;

    /// <summary>Dead letters parked before this are expired; null while they are kept until replayed or purged.</summary>
    public DateTimeOffset? DeadLetterCutoff => retention.Value.DeadLetters is { } kept ? timeProvider.GetUtcNow() - kept : null;

    /// <summary>An event (or a log entry of it) accepted at <paramref name="acceptedAt"/>; unknown acceptance never expires here.</summary>
    public bool IsEventExpired(DateTimeOffset? acceptedAt) => acceptedAt is { } at && at < EventCutoff;

    /// <summary>The defaults on the system clock, for stores built without a host.</summary>
    public static RetentionPolicy Default(TimeProvider? timeProvider = null) =>
        new(Options.Create(new RetentionOptions()), Options.Create(new DeliveryOptions()), timeProvider ?? TimeProvider.System);
}
