using System.Buffers;

namespace WebhookFunctions.Engine.Events;

/// <summary>An event type: 1–128 chars of [A-Za-z0-9._-], dot-separated non-empty segments.</summary>
public static class EventTypeName
{
    public const int MaxLength = 128;

    private static readonly SearchValues<char> AllowedChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    public static bool IsValid(string? type) => type is not null && IsValid(type.AsSpan());

    internal static bool IsValid(ReadOnlySpan<char> type) =>
        type.Length is > 0 and <= MaxLength
        && !type.ContainsAnyExcept(AllowedChars)
        && type[0] != '.'
        && type[^1] != '.'
        && !type.Contains("..", StringComparison.Ordinal);
}
