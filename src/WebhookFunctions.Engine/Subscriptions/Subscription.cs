using WebhookFunctions.Engine.Subscriptions.Filters;

namespace WebhookFunctions.Engine.Subscriptions;

public enum SubscriptionStatus
{
    Enabled,
    Disabled,
}

public enum DisabledReason
{
    EndpointGone,
    FailingTooLong,
    Manual,
}

/// <summary>A signing secret (<c>whsec_…</c>); a rotated-out secret keeps signing until <see cref="ExpiresAt"/>.</summary>
public sealed record SigningSecret(string Value, DateTimeOffset? ExpiresAt);

/// <summary>A receiver of events: where to POST, which event types, and how to sign.</summary>
public sealed record Subscription
{
    public required string Id { get; init; }

    public required Uri Url { get; init; }

    /// <summary>Whose endpoint this is; null for a subscription without a tenant. Fixed at create.</summary>
    public string? TenantId { get; init; }

    public required IReadOnlyList<string> EventTypes { get; init; }

    public string? Description { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The payload filter an event must also pass, compiled; null delivers every event of the subscribed types.</summary>
    public SubscriptionFilter? Filter { get; init; }

    public SubscriptionStatus Status { get; init; } = SubscriptionStatus.Enabled;

    public DisabledReason? DisabledReason { get; init; }

    public required IReadOnlyList<SigningSecret> Secrets { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When deliveries started failing without a success since; null while it is healthy.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Set by the store on read and write; null for a subscription not yet stored.</summary>
    public string? ETag { get; init; }

    /// <summary>The secrets that sign now: the current one and any rotated-out one not yet expired.</summary>
    public IEnumerable<SigningSecret> ActiveSecrets(DateTimeOffset now) =>
        Secrets.Where(s => s.ExpiresAt is null || s.ExpiresAt > now);
}
