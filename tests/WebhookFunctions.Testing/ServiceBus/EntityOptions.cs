namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>The properties of a queue or subscription that the broker acts on. The defaults are Service Bus's own.</summary>
public sealed record EntityOptions
{
    /// <summary>Deliveries of one message; abandoning it (or letting its lock expire) once more dead-letters it.</summary>
    public int MaxDeliveryCount { get; init; } = 10;

    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The most a message lives, counted from when it becomes visible; a shorter TimeToLive on the message wins.</summary>
    public TimeSpan DefaultMessageTimeToLive { get; init; } = TimeSpan.MaxValue;

    /// <summary>Expired messages move to the dead-letter sub-queue (reason TTLExpiredException) instead of being dropped.</summary>
    public bool DeadLetteringOnMessageExpiration { get; init; }
}
