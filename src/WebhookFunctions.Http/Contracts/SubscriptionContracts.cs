using System.Text.Json;

namespace WebhookFunctions.Http.Contracts;

/// <summary>POST /api/subscriptions.</summary>
internal sealed class CreateSubscriptionRequest
{
    public string? Url { get; init; }

    public IReadOnlyList<string>? EventTypes { get; init; }

    public string? Description { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public string? Secret { get; init; }

    /// <summary>The payload filter (docs/payload-filters.md); missing or null: none.</summary>
    public JsonElement Filter { get; init; }

    /// <summary>The tenant whose endpoint this is (an extension of the contract); absent: no tenant.</summary>
    public string? TenantId { get; init; }

    /// <summary>True: the subscription starts pendingVerification and is enabled by a passed handshake.</summary>
    public bool? Verify { get; init; }
}

/// <summary>PATCH /api/subscriptions/{id}: a missing or null field is left as it is.</summary>
internal sealed class UpdateSubscriptionRequest
{
    public string? Url { get; init; }

    public IReadOnlyList<string>? EventTypes { get; init; }

    public string? Description { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public string? Status { get; init; }

    /// <summary>The payload filter: missing leaves it, null removes it, an object replaces it.</summary>
    public JsonElement Filter { get; init; }

    /// <summary>Accepted only when it is the subscription's own tenant id: the tenant cannot change.</summary>
    public string? TenantId { get; init; }
}

/// <summary>A subscription as every read returns it: never with its secret.</summary>
internal sealed record SubscriptionResponse(
    string Id,
    string Url,
    IReadOnlyList<string> EventTypes,
    string? Description,
    IReadOnlyDictionary<string, string> Headers,
    JsonElement? Filter,
    string Status,
    string? DisabledReason,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? Etag,
    string? TenantId);

/// <summary>The answer to a create: the only read, with rotation, that shows the secret.</summary>
internal sealed record CreatedSubscriptionResponse(
    string Id,
    string Url,
    IReadOnlyList<string> EventTypes,
    string? Description,
    IReadOnlyDictionary<string, string> Headers,
    JsonElement? Filter,
    string Status,
    string? DisabledReason,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? Etag,
    string Secret,
    string? TenantId);

internal sealed record RotatedSecretResponse(string Secret, DateTime PreviousSecretExpiresAt);
