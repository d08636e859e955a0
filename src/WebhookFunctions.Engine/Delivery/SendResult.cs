namespace WebhookFunctions.Engine.Delivery;

/// <summary>
/// What one POST came to. <see cref="StatusCode"/> is null when no response arrived; <see cref="Error"/> then says
/// why ("timeout", "connectionRefused", "dnsFailure", "connectionFailed", "destinationBlocked", ...).
/// </summary>
public sealed record SendResult(int? StatusCode, string? Error, string? ResponseBody, TimeSpan Duration, TimeSpan? RetryAfter);
