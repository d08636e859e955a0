using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.ServiceBus.Messages;

/// <summary>The events-topic message for one published event: its id is the event id, its subject the event type.</summary>
internal static class EventNoticeMessageShape
{
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
