using Azure.Data.Tables;
using WebhookFunctions.Engine.DeadLetters;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Dead letter ⇄ table entity: PK = subscription id, RK = event id (one entry per pair). A fan-out dead letter has no
/// subscription; it lives in the partition <see cref="FanOutPartition"/>, which no subscription id can equal (they
/// are all <c>sub_</c> and hex), so the stage needs no column of its own and older entities read as deliveries.
/// </summary>
internal static class DeadLetterEntityMapper
{
    public const string FanOutPartition = "fanout";

    /// <summary>The entity, stamped with when it was dead-lettered (what its retention counts from).</summary>
    public static TableEntity ToEntity(DeadLetter deadLetter, DateTimeOffset deadLetteredAt) => new(PartitionOf(deadLetter), deadLetter.EventId)
    {
        ["DeadLetteredAt"] = deadLetteredAt,
        ["EventType"] = deadLetter.EventType,
        ["Reason"] = deadLetter.Reason.ToString(),
        ["Description"] = deadLetter.Description,
        ["Attempts"] = deadLetter.Attempts,
        ["FirstAttemptAt"] = deadLetter.FirstAttemptAt,
        ["LastAttemptAt"] = deadLetter.LastAttemptAt,
        ["LastStatusCode"] = deadLetter.LastStatusCode,
        ["LastError"] = deadLetter.LastError,
        ["TraceParent"] = deadLetter.TraceParent,
        ["TenantId"] = deadLetter.TenantId,
    };

    public static DeadLetter ToDeadLetter(TableEntity entity)
    {
        var stage = entity.PartitionKey == FanOutPartition ? DeadLetterStage.FanOut : DeadLetterStage.Delivery;
        return new(
            entity.RowKey,
            stage == DeadLetterStage.FanOut ? null : entity.PartitionKey,
            entity.GetString("EventType"),
            Enum.Parse<DeadLetterReason>(entity.GetString("Reason")),
            entity.GetString("Description") ?? "",
            entity.GetInt32("Attempts") ?? 0,
            entity.GetDateTimeOffset("FirstAttemptAt") ?? throw new InvalidDataException("A stored dead letter has no FirstAttemptAt."),
            entity.GetDateTimeOffset("LastAttemptAt") ?? throw new InvalidDataException("A stored dead letter has no LastAttemptAt."),
            entity.GetInt32("LastStatusCode"),
            entity.GetString("LastError"),
            entity.GetString("TraceParent"),
            stage,
            entity.GetString("TenantId"));
    }

    /// <summary>When the stored dead letter was parked; those parked before this was recorded count from their last attempt.</summary>
    public static DateTimeOffset DeadLetteredAt(TableEntity entity) =>
        entity.GetDateTimeOffset("DeadLetteredAt") ?? entity.GetDateTimeOffset("LastAttemptAt") ?? DateTimeOffset.MinValue;

    /// <summary>
    /// The dead letter's key in the expiry schedule: "{partition}|{event id}". No partition holds a '|' (subscription
    /// ids are <c>sub_</c> and hex), so the first one splits it again (<see cref="FromScheduleKey"/>).
    /// </summary>
    public static string ScheduleKey(string partitionKey, string rowKey) => partitionKey + "|" + rowKey;

    public static (string PartitionKey, string RowKey) FromScheduleKey(string key)
    {
        var separator = key.IndexOf('|', StringComparison.Ordinal);
        return separator < 0 ? throw new InvalidDataException($"'{key}' is not a dead letter's schedule key.") : (key[..separator], key[(separator + 1)..]);
    }

    /// <summary>The filter as OData, every value passed through CreateQueryFilter (quoted and escaped).</summary>
    public static string ToQueryFilter(DeadLetterFilter filter)
    {
        var clauses = new List<string>();
        var deliveries = TableClient.CreateQueryFilter($"PartitionKey ne {FanOutPartition}");
        if (filter.SubscriptionId is { } subscriptionId)
        {
            // A fan-out dead letter names no subscription, so no subscription id selects one, even one spelled "fanout".
            clauses.Add(TableClient.CreateQueryFilter($"PartitionKey eq {subscriptionId}"));
            clauses.Add(deliveries);
        }

        switch (filter.Stage)
        {
            case DeadLetterStage.FanOut:
                clauses.Add(TableClient.CreateQueryFilter($"PartitionKey eq {FanOutPartition}"));
                break;
            case DeadLetterStage.Delivery when filter.SubscriptionId is null:
                clauses.Add(deliveries);
                break;
        }

        if (filter.EventId is { } eventId)
        {
            clauses.Add(TableClient.CreateQueryFilter($"RowKey eq {eventId}"));
        }

        if (filter.EventType is { } eventType)
        {
            clauses.Add(TableClient.CreateQueryFilter($"EventType eq {eventType}"));
        }

        if (filter.TenantId is { } tenantId)
        {
            clauses.Add(TableClient.CreateQueryFilter($"TenantId eq {tenantId}"));
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

    private static string PartitionOf(DeadLetter deadLetter) => deadLetter.Stage switch
    {
        DeadLetterStage.FanOut => FanOutPartition,
        _ => deadLetter.SubscriptionId ?? throw new ArgumentException($"Delivery dead letter of event {deadLetter.EventId} names no subscription.", nameof(deadLetter)),
    };
}
