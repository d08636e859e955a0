namespace WebhookFunctions.Engine.Delivery;

/// <summary>
/// Carries one event to one or more subscriptions (fan-out batches several ids in one message to keep queues
/// shallow; a retry always names one). <see cref="Attempt"/> is the number of the attempt this job makes.
/// <see cref="QueuedBeforeEventAt"/> is set on the job publish's direct path queues before it stores the event.
/// </summary>
public sealed record DeliveryJob(
    string EventId,
    string EventType,
    IReadOnlyList<string> SubscriptionIds,
    int Attempt,
    string? TraceParent,
    DateTimeOffset? DueAt = null,
    DateTimeOffset? FirstAttemptAt = null,
    int? LastStatusCode = null,
    string? LastError = null,
    string? TenantId = null,
    DateTimeOffset? QueuedBeforeEventAt = null);
