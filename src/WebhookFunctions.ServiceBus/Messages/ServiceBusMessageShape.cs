namespace WebhookFunctions.ServiceBus.Messages;

/// <summary>
/// Everything a Service Bus message is made of, decided here so the adapter only copies it onto the SDK's message.
/// <see cref="ScheduledEnqueueTime"/> is null for a message sent now; Subject and ContentType are null only on a copy
/// of a received message that had none.
/// </summary>
internal sealed record ServiceBusMessageShape(
    string MessageId,
    string? Subject,
    string? ContentType,
    ReadOnlyMemory<byte> Body,
    IReadOnlyDictionary<string, object> ApplicationProperties,
    DateTimeOffset? ScheduledEnqueueTime = null)
{
    public const string JsonContentType = "application/json";

    /// <summary>Service Bus refuses longer message ids.</summary>
    public const int MaxMessageIdLength = 128;
}
