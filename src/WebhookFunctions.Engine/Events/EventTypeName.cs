namespace WebhookFunctions.Engine.Events;

/// <summary>An event type: 1–128 chars of [A-Za-z0-9._-], dot-separated non-empty segments.</summary>
public static class EventTypeName
{
    public const int MaxLength = 128;

    public static bool IsValid(string? type) => throw new NotImplementedException();
}
