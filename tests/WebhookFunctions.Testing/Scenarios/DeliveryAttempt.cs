using System.Text.Json;

namespace WebhookFunctions.Testing.Scenarios;

/// <summary>One entry of a delivery log, as the contract returns it.</summary>
public sealed record DeliveryAttempt(
    string SubscriptionId, int Attempt, string Outcome, int? StatusCode, string? Error, long DurationMs, DateTimeOffset At, DateTimeOffset? NextAttemptAt)
{
    public static DeliveryAttempt From(JsonElement item) => new(
        item.GetProperty("subscriptionId").GetString()!,
        item.GetProperty("attempt").GetInt32(),
        item.GetProperty("outcome").GetString()!,
        item.GetProperty("statusCode").ValueKind == JsonValueKind.Number ? item.GetProperty("statusCode").GetInt32() : null,
        item.GetProperty("error").GetString(),
        item.GetProperty("durationMs").GetInt64(),
        item.GetProperty("at").GetDateTimeOffset(),
        item.GetProperty("nextAttemptAt").ValueKind == JsonValueKind.String ? item.GetProperty("nextAttemptAt").GetDateTimeOffset() : null);
}
