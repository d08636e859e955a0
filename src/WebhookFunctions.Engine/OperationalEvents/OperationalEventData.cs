namespace WebhookFunctions.Engine.OperationalEvents;

/// <summary>
/// The data of an operational event: always the subscription it is about, its URL and tenant; the rest as the type
/// calls for (null where it does not apply). Serialized camelCase with nulls, as every answer of the contract.
/// </summary>
public sealed record OperationalEventData
{
    public required string SubscriptionId { get; init; }

    public required string Url { get; init; }

    public string? TenantId { get; init; }

    /// <summary>The event whose delivery caused this one, where one did.</summary>
    public string? EventId { get; init; }

    public string? EventType { get; init; }

    /// <summary><c>disabled</c>: the disabled reason; <c>deadLettered</c>: the dead-letter reason.</summary>
    public string? Reason { get; init; }

    public string? Description { get; init; }

    public int? Attempts { get; init; }

    public int? StatusCode { get; init; }

    public string? Error { get; init; }

    /// <summary><c>failing</c> and <c>recovered</c>: when the failing period began.</summary>
    public string? FailingSince { get; init; }

    /// <summary><c>deadLettered</c>: how many dead letters this event stands for (more than 1 once coalesced).</summary>
    public int? Count { get; init; }

    /// <summary><c>deadLettered</c>, coalesced: the dead letters counted by reason, and when the first and the last of them came.</summary>
    public IReadOnlyDictionary<string, int>? Reasons { get; init; }

    public string? From { get; init; }

    public string? Until { get; init; }
}
