using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.ServiceBus.Messages;

/// <summary>
/// The events-topic message for one published event: its id is the event id, so the topic's duplicate detection drops
/// the notice of a retried publish; its subject is the event type.
/// </summary>
internal static class EventNoticeMessageShape
{
    /// <summary>
    /// A notice sent again on purpose (a replayed fan-out dead letter): "{event id}#r{resend id}", an id the topic has
    /// not seen, so duplicate detection cannot take it for the first notice.
    /// </summary>
    public static ServiceBusMessageShape ForResend(EventNotice notice, Guid resendId) =>
        For(notice) with { MessageId = MessageIds.Bounded($"{notice.EventId}#r{resendId:N}") };

    public static ServiceBusMessageShape For(EventNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var properties = new Dictionary<string, object>
        {
            [ServiceBusPropertyNames.EventId] = notice.EventId,
            [ServiceBusPropertyNames.EventType] = notice.EventType,
        };
        if (notice.TenantId is not null)
        {
            properties[ServiceBusPropertyNames.TenantId] = notice.TenantId;
        }

        return new ServiceBusMessageShape(
            MessageIds.Bounded(notice.EventId),
            notice.EventType,
            ServiceBusMessageShape.JsonContentType,
            MessageCodec.Encode(notice),
            properties);
    }
}
