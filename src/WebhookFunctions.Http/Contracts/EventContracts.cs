using System.Text.Json;

namespace WebhookFunctions.Http.Contracts;

/// <summary>POST /api/events with application/json. A missing <see cref="Data"/> is undefined, i.e. null data.</summary>
internal sealed class PublishEventRequest
{
    public string? Type { get; init; }

    public JsonElement Data { get; init; }

    public string? Id { get; init; }

    public string? Subject { get; init; }

    /// <summary>The tenant the event is for (an extension of the contract); absent: subscriptions without a tenant.</summary>
    public string? TenantId { get; init; }
}

/// <summary>202 answer to a publish (and to a subscription test).</summary>
internal sealed record PublishAcceptedResponse(string Id, string Type, DateTime Timestamp);

/// <summary>An event as accepted; <see cref="Data"/> is the published JSON, embedded verbatim.</summary>
internal sealed record EventResponse(string Id, string Type, DateTime Timestamp, string? Subject, string? Source, RawJson Data, string? TenantId);

internal sealed record DeliveryAttemptResponse(
    string EventId,
    string SubscriptionId,
    int Attempt,
    DateTime At,
    long DurationMs,
    string Outcome,
    int? StatusCode,
    string? Error,
    string? ResponseBody,
    DateTime? NextAttemptAt);
