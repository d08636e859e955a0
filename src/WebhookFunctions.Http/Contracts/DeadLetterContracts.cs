namespace WebhookFunctions.Http.Contracts;

/// <summary>POST /api/dead-letters/replay. Times are RFC 3339 strings, parsed by the handler so errors name the field.</summary>
internal sealed class ReplayRequest
{
    public string? SubscriptionId { get; init; }

    public string? EventId { get; init; }

    public string? EventType { get; init; }

    public string? Since { get; init; }

    public string? Until { get; init; }

    /// <summary>"delivery" or "fanOut"; absent: both.</summary>
    public string? Stage { get; init; }

    /// <summary>Only the dead letters of events published for this tenant.</summary>
    public string? TenantId { get; init; }

    public bool DryRun { get; init; }
}

/// <summary><see cref="Skipped"/>: the dead letters kept, by cause (<c>subscriptionDisabled</c>, <c>subscriptionDeleted</c>, <c>eventExpired</c>); causes with none are left out.</summary>
internal sealed record ReplayResponse(int Matched, int Replayed, IReadOnlyDictionary<string, int> Skipped);

/// <summary>
/// DELETE /api/dead-letters: how many dead letters of this call's page matched and how many were removed; the
/// <see cref="ContinuationToken"/> purges (or, with dryRun, counts) the next page, null when there is none.
/// </summary>
internal sealed record PurgeResponse(int Matched, int Purged, string? ContinuationToken);

/// <summary>
/// One dead letter. <see cref="Stage"/> ("delivery" | "fanOut") came after the contract's first fields; a fan-out dead
/// letter was never fanned out, so its <see cref="SubscriptionId"/> is null.
/// </summary>
internal sealed record DeadLetterResponse(
    string EventId,
    string? SubscriptionId,
    string EventType,
    string Reason,
    string Description,
    int Attempts,
    DateTime FirstAttemptAt,
    DateTime LastAttemptAt,
    int? LastStatusCode,
    string? LastError,
    string Stage,
    string? TenantId);
