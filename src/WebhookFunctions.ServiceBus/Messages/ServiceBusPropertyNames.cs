namespace WebhookFunctions.ServiceBus.Messages;

/// <summary>
/// Application property names on Service Bus messages. Delivery messages carry the first four; a dead-lettered one
/// gains the rest, so the portal's Service Bus Explorer shows why without opening the body.
/// </summary>
internal static class ServiceBusPropertyNames
{
    public const string EventId = "eventId";
    public const string SubscriptionId = "subscriptionId";
    public const string EventType = "eventType";
    public const string Attempt = "attempt";
    public const string Attempts = "attempts";
    public const string LastStatusCode = "lastStatusCode";
    public const string LastError = "lastError";
    public const string FirstAttemptAt = "firstAttemptAt";
    public const string LastAttemptAt = "lastAttemptAt";
    public const string TraceParent = "traceParent";

    /// <summary>On a copy scheduled after a transient fault: the fault retries the message has had, this one included.</summary>
    public const string FaultRetries = "faultRetries";

    /// <summary>On every message of an event published with a tenant, so a dead letter keeps it without its body.</summary>
    public const string TenantId = "tenantId";
}
