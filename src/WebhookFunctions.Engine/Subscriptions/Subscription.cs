using WebhookFunctions.Engine.Subscriptions.Filters;

namespace WebhookFunctions.Engine.Subscriptions;

public enum SubscriptionStatus
{
    Enabled,
    Disabled,

    /// <summary>Its endpoint has not passed the verification handshake at its current URL; it receives nothing else.</summary>
    PendingVerification,
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

    /// <summary>Enabled only by a passed verification handshake (asked for at create, or required by the server).</summary>
    public bool RequiresVerification { get; init; }

    /// <summary>When its endpoint last passed the handshake at its current URL; null if never, or since the URL changed.</summary>
    public DateTimeOffset? VerifiedAt { get; init; }

    /// <summary>When deliveries started failing without a success since; null while it is healthy.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Set by the store on read and write; null for a subscription not yet stored.</summary>
    public string? ETag { get; init; }

    /// <summary>Fan-out sends it jobs: enabled, or pending verification (those jobs are logged skipped until it passes).</summary>
    public bool IsFanOutTarget => Status != SubscriptionStatus.Disabled;

    /// <summary>The secrets that sign now: the current one and any rotated-out one not yet expired.</summary>
    public IEnumerable<SigningSecret> ActiveSecrets(DateTimeOffset now) =>
        Secrets.Where(s => s.ExpiresAt is null || s.ExpiresAt > now);
}
