using System.Globalization;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.Messages;

namespace WebhookFunctions.ServiceBus.DeadLetters;

/// <summary>
/// The inverse of <see cref="DeadLetterMessageShape"/>: a dead letter read back from a message in the deliveries
/// queue's dead-letter sub-queue (<see cref="Read"/>) or the fan-out subscription's (<see cref="ReadFanOut"/>).
/// Messages the broker dead-lettered itself (MaxDeliveryCountExceeded, TTLExpiredException, ...) lack the dead-letter
/// properties; they are read from the delivery job or event notice in their body and reported as
/// maxAttemptsExceeded, the broker's reason kept in the description.
/// </summary>
internal static class DeadLetteredMessageReader
{
    /// <returns>Null when the message names no event and subscription, neither in its properties nor in its body.</returns>
    public static DeadLetter? Read(
        IReadOnlyDictionary<string, object> properties,
        string? deadLetterReason,
        string? deadLetterErrorDescription,
        ReadOnlySpan<byte> body,
        DateTimeOffset enqueuedTime)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var job = TryDecode(body);
        var eventId = Text(properties, ServiceBusPropertyNames.EventId) ?? job?.EventId;
        var subscriptionId = Text(properties, ServiceBusPropertyNames.SubscriptionId)
            ?? (job?.SubscriptionIds is [var onlyId] ? onlyId : null);
        var eventType = Text(properties, ServiceBusPropertyNames.EventType) ?? job?.EventType;
        if (eventId is null || subscriptionId is null || eventType is null)
        {
            return null;
        }

        var (reason, description) = ReasonOf(deadLetterReason, deadLetterErrorDescription);
        return new DeadLetter(
            eventId,
            subscriptionId,
            eventType,
            reason,
            description,
            Attempts: Number(properties, ServiceBusPropertyNames.Attempts)
                ?? Number(properties, ServiceBusPropertyNames.Attempt)
                ?? job?.Attempt
                ?? 0,
            FirstAttemptAt: Time(properties, ServiceBusPropertyNames.FirstAttemptAt) ?? job?.FirstAttemptAt ?? enqueuedTime,
            LastAttemptAt: Time(properties, ServiceBusPropertyNames.LastAttemptAt) ?? enqueuedTime,
            LastStatusCode: Number(properties, ServiceBusPropertyNames.LastStatusCode) ?? job?.LastStatusCode,
            LastError: Text(properties, ServiceBusPropertyNames.LastError) ?? job?.LastError,
            TraceParent: Text(properties, ServiceBusPropertyNames.TraceParent) ?? job?.TraceParent,
            TenantId: Text(properties, ServiceBusPropertyNames.TenantId) ?? job?.TenantId);
    }

    /// <summary>
    /// An event notice the fan-out stage never got through: a <see cref="DeadLetterStage.FanOut"/> dead letter with no
    /// subscription, whose attempts are the deliveries the broker made of it.
    /// </summary>
    /// <returns>Null when the message names no event and type, neither in its properties nor in its body.</returns>
    public static DeadLetter? ReadFanOut(
        IReadOnlyDictionary<string, object> properties,
        string? deadLetterReason,
        string? deadLetterErrorDescription,
        ReadOnlySpan<byte> body,
        DateTimeOffset enqueuedTime,
        int deliveryCount)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var notice = TryDecodeNotice(body);
        var eventId = Text(properties, ServiceBusPropertyNames.EventId) ?? notice?.EventId;
        var eventType = Text(properties, ServiceBusPropertyNames.EventType) ?? notice?.EventType;
        if (eventId is null || eventType is null)
        {
            return null;
        }

        var (reason, description) = ReasonOf(deadLetterReason, deadLetterErrorDescription);
        return new DeadLetter(
            eventId,
            SubscriptionId: null,
            eventType,
            reason,
            description,
            Attempts: deliveryCount,
            FirstAttemptAt: enqueuedTime,
            LastAttemptAt: enqueuedTime,
            LastStatusCode: null,
            LastError: null,
            TraceParent: Text(properties, ServiceBusPropertyNames.TraceParent) ?? notice?.TraceParent,
            Stage: DeadLetterStage.FanOut);
    }

    private static (DeadLetterReason Reason, string Description) ReasonOf(string? reason, string? description)
    {
        foreach (var known in Enum.GetValues<DeadLetterReason>())
        {
            if (string.Equals(DeadLetterMessageShape.ReasonName(known), reason, StringComparison.OrdinalIgnoreCase))
            {
                return (known, description ?? "");
            }
        }

        var brokerReason = string.IsNullOrEmpty(reason) ? "no reason given" : reason;
        var text = string.IsNullOrEmpty(description)
            ? $"Service Bus dead-lettered the message ({brokerReason})."
            : $"Service Bus dead-lettered the message ({brokerReason}): {description}";
        return (DeadLetterReason.MaxAttemptsExceeded, text);
    }

    private static DeliveryJob? TryDecode(ReadOnlySpan<byte> body)
    {
        try
        {
            return MessageCodec.DecodeDeliveryJob(body);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static EventNotice? TryDecodeNotice(ReadOnlySpan<byte> body)
    {
        try
        {
            return MessageCodec.DecodeEventNotice(body);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? Text(IReadOnlyDictionary<string, object> properties, string name) =>
        properties.TryGetValue(name, out var value) && value is string { Length: > 0 } text ? text : null;

    private static int? Number(IReadOnlyDictionary<string, object> properties, string name) =>
        properties.TryGetValue(name, out var value)
            ? value switch
            {
                int number => number,
                long number when number is >= int.MinValue and <= int.MaxValue => (int)number,
                short number => number,
                string text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => null,
            }
            : null;

    private static DateTimeOffset? Time(IReadOnlyDictionary<string, object> properties, string name) =>
        properties.TryGetValue(name, out var value)
            ? value switch
            {
                DateTimeOffset time => time,
                DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
                string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
                _ => null,
            }
            : null;
}
