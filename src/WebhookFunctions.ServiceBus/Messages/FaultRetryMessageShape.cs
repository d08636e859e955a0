using System.Globalization;
using Azure.Messaging.ServiceBus;

namespace WebhookFunctions.ServiceBus.Messages;

/// <summary>
/// The copy of a received message that is scheduled when its handling met a transient fault: the same body, subject,
/// content type and properties, <see cref="ServiceBusPropertyNames.FaultRetries"/> one higher, and a message id of its
/// own, "{base id}#f{fault retries}". The events topic's duplicate detection would drop a copy under the original id.
/// </summary>
internal static class FaultRetryMessageShape
{
    private const string Separator = "#f";

    /// <summary>The fault retries the message already had: 0 for one that never met a fault.</summary>
    public static int FaultRetriesOf(ServiceBusReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.ApplicationProperties.TryGetValue(ServiceBusPropertyNames.FaultRetries, out var value)
            ? value switch
            {
                int count and >= 0 => count,
                long count and >= 0 and <= int.MaxValue => (int)count,
                string text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => 0,
            }
            : 0;
    }

    /// <param name="faultRetries">The copy's count: the received message's plus one.</param>
    /// <param name="dueAt">When the copy becomes visible.</param>
    public static ServiceBusMessageShape For(ServiceBusReceivedMessage message, int faultRetries, DateTimeOffset dueAt)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(faultRetries, 1);
        var properties = new Dictionary<string, object>(message.ApplicationProperties)
        {
            [ServiceBusPropertyNames.FaultRetries] = faultRetries,
        };
        return new ServiceBusMessageShape(
            MessageId(message.MessageId ?? "", faultRetries),
            message.Subject,
            message.ContentType,
            message.Body.ToMemory(),
            properties,
            dueAt);
    }

    /// <summary>
    /// "{base id}#f{n}", the base id being the id without an earlier fault retry's suffix, cut short where the whole
    /// would pass Service Bus's limit.
    /// </summary>
    public static string MessageId(string messageId, int faultRetries)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var suffix = Separator + faultRetries.ToString(CultureInfo.InvariantCulture);
        var baseId = BaseId(messageId);
        var room = ServiceBusMessageShape.MaxMessageIdLength - suffix.Length;
        return (baseId.Length <= room ? baseId : baseId[..room]) + suffix;
    }

    /// <summary>The id without a trailing "#f{digits}".</summary>
    public static string BaseId(string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var at = messageId.LastIndexOf(Separator, StringComparison.Ordinal);
        if (at < 0)
        {
            return messageId;
        }

        var digits = messageId.AsSpan(at + Separator.Length);
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9') ? messageId[..at] : messageId;
    }
}
