namespace WebhookFunctions.Engine.Queueing;

/// <summary>The message publish puts on the events topic/queue: a claim check on the stored event, with its tenant (null: none).</summary>
public sealed record EventNotice(string EventId, string EventType, string? TraceParent, string? TenantId = null);
