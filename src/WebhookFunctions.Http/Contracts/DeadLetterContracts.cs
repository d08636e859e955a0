namespace WebhookFunctions.Http.Contracts;

/// <summary>POST /api/dead-letters/replay. Times are RFC 3339 strings, parsed by the handler so errors name the field.</summary>
internal sealed class ReplayRequest
{
    public string? SubscriptionId { get; init; }

    public string? EventId { get; init; }

    public string? EventType { get; init; }

    public string? Since { get; init; }

    public string? Until { get; init; }

    public bool DryRun { get; init; }
}

internal sealed record ReplayResponse(int Matched, int Replayed);

internal sealed record DeadLetterResponse(
    string EventId,
    string SubscriptionId,
    string EventType,
    string Reason,
    string Description,
    int Attempts,
    DateTime FirstAttemptAt,
    DateTime LastAttemptAt,
    int? LastStatusCode,
    string? LastError);
