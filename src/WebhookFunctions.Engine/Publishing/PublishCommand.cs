namespace WebhookFunctions.Engine.Publishing;

/// <summary>An event to publish as the HTTP layer parsed it; <see cref="Data"/> is raw UTF-8 JSON (empty: null data).</summary>
public sealed record PublishCommand(
    string? Id,
    string? Type,
    ReadOnlyMemory<byte> Data,
    string? Subject = null,
    string? Source = null,
    DateTimeOffset? Time = null,
    string? IdempotencyKey = null,
    string? TraceParent = null,
    string? TenantId = null);

/// <summary>What publish answers; <see cref="AlreadyAccepted"/> when an id or Idempotency-Key matched an earlier publish.</summary>
public sealed record PublishReceipt(string Id, string Type, DateTimeOffset Timestamp, bool AlreadyAccepted);
