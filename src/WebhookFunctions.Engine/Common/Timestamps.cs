using System.Globalization;

namespace WebhookFunctions.Engine.Common;

/// <summary>The one timestamp format of the contract: RFC 3339 in UTC with exactly milliseconds, e.g. 2026-11-30T13:14:32.630Z.</summary>
public static class Timestamps
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToText(DateTimeOffset instant) => instant.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>The instant to the millisecond the contract carries, so what is stored and what is answered are the same.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset instant) => instant.AddTicks(-(instant.Ticks % TimeSpan.TicksPerMillisecond));
}
