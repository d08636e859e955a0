using WebhookFunctions.Engine.Events;

namespace WebhookFunctions.IntegrationTests.Infrastructure;

/// <summary>An event as the delivery log's per-event listing needs it: its id, and where its sole recipient's first attempt is.</summary>
public static class LoggedEvent
{
    public static WebhookEvent WithId(string eventId, string? soleRecipient = null, DateTimeOffset? acceptedAt = null) =>
        new(eventId, "order.created", acceptedAt ?? DateTimeOffset.UnixEpoch, null, null, "{}"u8.ToArray(), null, AcceptedAt: acceptedAt, SoleRecipient: soleRecipient);
}
