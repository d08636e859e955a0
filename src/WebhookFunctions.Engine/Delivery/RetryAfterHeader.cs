using System.Net.Http.Headers;

namespace WebhookFunctions.Engine.Delivery;

/// <summary>Parses Retry-After (delta-seconds or HTTP-date) into a delay from <c>now</c>; null when absent or malformed.</summary>
public static class RetryAfterHeader
{
    /// <remarks>
    /// The grammar (RFC 9110 §10.2.3: non-negative delta-seconds, or an IMF-fixdate / RFC 850 / asctime date) is
    /// System.Net.Http's own parser; a date in the past means "now".
    /// </remarks>
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value) || !RetryConditionHeaderValue.TryParse(value, out var parsed))
        {
            return null;
        }

        if (parsed.Delta is { } delta)
        {
            return delta;
        }

        if (parsed.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }
}
