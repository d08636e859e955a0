namespace WebhookFunctions.Engine.Common;

/// <summary>New ids: a type prefix and a time-ordered GUID, URL-safe and well under 64 characters.</summary>
public static class Ids
{
    public static string NewEventId() => "evt_" + Guid.CreateVersion7().ToString("N");

    public static string NewSubscriptionId() => "sub_" + Guid.CreateVersion7().ToString("N");
}
