using Azure.Data.Tables;
using WebhookFunctions.Engine.DeadLetters;

namespace WebhookFunctions.Storage.Tables;

/// <summary>Dead letter ⇄ table entity: PK = subscription id, RK = event id (one entry per pair).</summary>
internal static class DeadLetterEntityMapper
{
    public static TableEntity ToEntity(DeadLetter deadLetter) => new(deadLetter.SubscriptionId, deadLetter.EventId)
    {
        ["EventType"] = deadLetter.EventType,
        ["Reason"] = deadLetter.Reason.ToString(),
        ["Description"] = deadLetter.Description,
        ["Attempts"] = deadLetter.Attempts,
        ["FirstAttemptAt"] = deadLetter.FirstAttemptAt,
        ["LastAttemptAt"] = deadLetter.LastAttemptAt,
        ["LastStatusCode"] = deadLetter.LastStatusCode,
        ["LastError"] = deadLetter.LastError,
        ["TraceParent"] = deadLetter.TraceParent,
    };

    public static DeadLetter ToDeadLetter(TableEntity entity) => new(
        entity.RowKey,
        entity.PartitionKey,
        entity.GetString("EventType"),
        Enum.Parse<DeadLetterReason>(entity.GetString("Reason")),
        entity.GetString("Description") ?? "",
        entity.GetInt32("Attempts") ?? 0,
        entity.GetDateTimeOffset("FirstAttemptAt") ?? throw new InvalidDataException("A stored dead letter has no FirstAttemptAt."),
        entity.GetDateTimeOffset("LastAttemptAt") ?? throw new InvalidDataException("A stored dead letter has no LastAttemptAt."),
        entity.GetInt32("LastStatusCode"),
        entity.GetString("LastError"),
        entity.GetString("TraceParent"));

    /// <summary>The filter as OData, every value passed through CreateQueryFilter (quoted and escaped).</summary>
    public static string ToQueryFilter(DeadLetterFilter filter)
    {
        var clauses = new List<string>();
        if (filter.SubscriptionId is { } subscriptionId)
        {
            clauses.Add(TableClient.CreateQueryFilter($"PartitionKey eq {subscriptionId}"));
        }

        if (filter.EventId is { } eventId)
        {
            clauses.Add(TableClient.CreateQueryFilter($"RowKey eq {eventId}"));
        }

        if (filter.EventType is { } eventType)
        {
            clauses.Add(TableClient.CreateQueryFilter($"EventType eq {eventType}"));
        }

        if (filter.Since is { } since)
        {
            clauses.Add(TableClient.CreateQueryFilter($"LastAttemptAt ge {since}"));
        }

        if (filter.Until is { } until)
        {
            clauses.Add(TableClient.CreateQueryFilter($"LastAttemptAt lt {until}"));
        }

        return string.Join(" and ", clauses);
    }
}
