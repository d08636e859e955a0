namespace WebhookFunctions.Engine.Events;

/// <summary>
/// An event as accepted by publish. <see cref="Data"/> is the raw UTF-8 JSON of the event's data;
/// <see cref="NoticeQueued"/> says its notice reached the events queue (so a repeated publish need not send it).
/// <see cref="AcceptedAt"/>: when publish accepted it (not the client's <see cref="Timestamp"/>); retention counts from it.
/// </summary>
public sealed record WebhookEvent(
    string Id,
    string Type,
    DateTimeOffset Timestamp,
    string? Subject,
    string? Source,
    ReadOnlyMemory<byte> Data,
    string? TraceParent,
    bool NoticeQueued = false,
    string? TenantId = null,
    DateTimeOffset? AcceptedAt = null);
