namespace WebhookFunctions.Engine.Events;

/// <summary>
/// An event as accepted by publish. <see cref="Data"/> is the raw UTF-8 JSON of the event's data;
/// <see cref="NoticeQueued"/> says its notice reached the events queue (so a repeated publish need not send it).
/// <see cref="AcceptedAt"/>: when publish accepted it (not the client's <see cref="Timestamp"/>); retention counts from it.
/// <see cref="SoleRecipient"/>: the one subscription publish's direct path queued it to, when it had exactly one (the
/// delivery log can then find that subscription's first attempt without a by-event copy).
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
    DateTimeOffset? AcceptedAt = null,
    string? SoleRecipient = null);
