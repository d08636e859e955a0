using System.Globalization;
using System.Text.Json;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.ServiceBus.Messages;

namespace WebhookFunctions.ServiceBus.DeadLetters;

/// <summary>
/// What the Service Bus settlement passes to DeadLetterMessage: the camelCase reason, a description within the
/// broker's limit, and application properties that tell the story without the body.
/// </summary>
internal sealed record DeadLetterMessageShape(string Reason, string Description, IReadOnlyDictionary<string, object> ApplicationProperties)
{
    /// <summary>The longest dead-letter description Service Bus keeps.</summary>
    public const int MaxDescriptionLength = 4096;

    /// <summary>Keeps the application properties (part of the message header) small.</summary>
    public const int MaxLastErrorLength = 256;

    /// <summary>The reason for a delivery message whose body is not a delivery job: retrying it cannot help.</summary>
    public const string InvalidBodyReason = "invalidMessageBody";

    public static DeadLetterMessageShape For(DeadLetter deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        var properties = new Dictionary<string, object>
        {
            [ServiceBusPropertyNames.EventId] = deadLetter.EventId,
            [ServiceBusPropertyNames.EventType] = deadLetter.EventType,
            [ServiceBusPropertyNames.Attempts] = deadLetter.Attempts,
            [ServiceBusPropertyNames.FirstAttemptAt] = FormatTime(deadLetter.FirstAttemptAt),
            [ServiceBusPropertyNames.LastAttemptAt] = FormatTime(deadLetter.LastAttemptAt),
        };
        if (deadLetter.SubscriptionId is { } subscriptionId)
        {
            properties[ServiceBusPropertyNames.SubscriptionId] = subscriptionId;
        }

        if (deadLetter.LastStatusCode is { } statusCode)
        {
            properties[ServiceBusPropertyNames.LastStatusCode] = statusCode;
        }

        if (deadLetter.LastError is { } lastError)
        {
            properties[ServiceBusPropertyNames.LastError] = Truncate(lastError, MaxLastErrorLength);
        }

        if (deadLetter.TraceParent is { } traceParent)
        {
            properties[ServiceBusPropertyNames.TraceParent] = traceParent;
        }

        if (deadLetter.TenantId is { } tenantId)
        {
            properties[ServiceBusPropertyNames.TenantId] = tenantId;
        }

        return new DeadLetterMessageShape(
            ReasonName(deadLetter.Reason),
            Truncate(deadLetter.Description, MaxDescriptionLength),
            properties);
    }

    /// <summary>The reason as the API and the broker show it: maxAttemptsExceeded, endpointGone, ...</summary>
    public static string ReasonName(DeadLetterReason reason) => JsonNamingPolicy.CamelCase.ConvertName(reason.ToString());

    internal static string FormatTime(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Truncate(string value, int maxLength) =>
        value.Length <= maxLength ? value : string.Concat(value.AsSpan(0, maxLength - 1), "…");
}
