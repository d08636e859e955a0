namespace WebhookFunctions.Engine.Delivery;

/// <summary>Parses Retry-After (delta-seconds or HTTP-date) into a delay from <c>now</c>; null when absent or malformed.</summary>
public static class RetryAfterHeader
{
    public static TimeSpan? Parse(string? value, DateTimeOffset now) => throw new NotImplementedException();
}
