using System.Text.Json;

namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>A subscription as a client sent it (POST), not yet validated.</summary>
public sealed record SubscriptionInput(
    string? Url,
    IReadOnlyList<string>? EventTypes,
    string? Description = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    string? Secret = null,
    JsonElement? Filter = null,
    string? TenantId = null,
    bool? Verify = null);

/// <summary>The fields a PATCH changes; null means "leave as it is", and a <see cref="Filter"/> of JSON null removes the filter.</summary>
public sealed record SubscriptionPatch(
    string? Url = null,
    IReadOnlyList<string>? EventTypes = null,
    string? Description = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    string? Status = null,
    JsonElement? Filter = null,
    string? TenantId = null);

/// <summary>A created subscription and its secret, which is shown only now.</summary>
public sealed record CreatedSubscription(Subscription Subscription, string Secret);

public sealed record RotatedSecret(string Secret, DateTimeOffset PreviousSecretExpiresAt);
