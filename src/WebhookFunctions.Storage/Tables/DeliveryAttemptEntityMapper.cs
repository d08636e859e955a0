using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Delivery attempt ⇄ table entity, and the keys of its two copies: by event (sorted by subscription, then attempt)
/// and by subscription (inverted ticks first, so a partition reads newest first).
/// </summary>
internal static class DeliveryAttemptEntityMapper
{
    public const int ResponseBodyByteLimit = 4096;

    public static string ByEventRowKey(DeliveryAttempt attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{attempt.SubscriptionId}|{attempt.Attempt:D5}");

    public static string BySubscriptionRowKey(DeliveryAttempt attempt) => BySubscriptionRowKey(attempt.EventId, attempt.Attempt, attempt.At);

    /// <summary>Sorted newest first by <paramref name="sortedAt"/>.</summary>
    public static string BySubscriptionRowKey(string eventId, int attempt, DateTimeOffset sortedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - sortedAt.UtcTicks:D19}|{eventId}|{attempt:D5}");

    /// <summary>The by-subscription copy's key, derived from either copy.</summary>
    public static (string PartitionKey, string RowKey) BySubscriptionKey(TableEntity entity)
    {
        var attempt = ToAttempt(entity);
        return (attempt.SubscriptionId, BySubscriptionRowKey(attempt));
    }

    /// <summary>What the entry's retention counts from: its event's acceptance, else (unknown event, older rows) its own time.</summary>
    public static DateTimeOffset EventAcceptedAt(TableEntity entity) =>
        entity.GetDateTimeOffset("EventAcceptedAt") ?? entity.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue;

    public static TableEntity ToEntity(DeliveryAttempt attempt, string partitionKey, string rowKey) => new(partitionKey, rowKey)
    {
        ["EventId"] = attempt.EventId,
        ["SubscriptionId"] = attempt.SubscriptionId,
        ["Attempt"] = attempt.Attempt,
        ["At"] = attempt.At,
        ["DurationMs"] = attempt.DurationMs,
        ["Outcome"] = attempt.Outcome.ToString(),
        ["StatusCode"] = attempt.StatusCode,
        ["Error"] = attempt.Error,
        ["ResponseBody"] = TruncateUtf8(attempt.ResponseBody, ResponseBodyByteLimit),
        ["NextAttemptAt"] = attempt.NextAttemptAt,
        ["EventAcceptedAt"] = attempt.EventAcceptedAt ?? attempt.At,
    };

    public static DeliveryAttempt ToAttempt(TableEntity entity) => new(
        entity.GetString("EventId"),
        entity.GetString("SubscriptionId"),
        entity.GetInt32("Attempt") ?? 0,
        entity.GetDateTimeOffset("At") ?? throw new InvalidDataException("A stored delivery attempt has no time."),
        entity.GetInt64("DurationMs") ?? 0,
        Enum.Parse<AttemptOutcome>(entity.GetString("Outcome")),
        entity.GetInt32("StatusCode"),
        entity.GetString("Error"),
        entity.GetString("ResponseBody"),
        entity.GetDateTimeOffset("NextAttemptAt"),
        EventAcceptedAt(entity));

    /// <summary>The longest prefix of <paramref name="text"/> whose UTF-8 encoding fits, never splitting a character.</summary>
    public static string? TruncateUtf8(string? text, int maxBytes)
    {
        if (text is null || Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var length = 0;
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }

        return text[..length];
    }
}
