using Azure.Data.Tables;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Storage.Retention;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// How an event with a <see cref="WebhookEvent.SoleRecipient"/> (stored by publish's direct path, its job already
/// queued) is kept, to spare the writes that nothing else shares:
/// <list type="bullet">
/// <item>Its expiry schedule row is written with the delivery log, not before the event: the event is stored only
/// with its job queued, and that job is not settled before its attempts, and so the row, are logged.</item>
/// <item>The first attempt at that recipient, made within <see cref="Window"/> of the event's acceptance, is logged
/// by subscription alone, keyed by the acceptance time instead of its own. The event row names the recipient and holds
/// the time, so a reader (the per-event listing, the retention sweep) derives the key from it. Every other attempt,
/// and this one made later (a redelivery, a replay, a backlog), is logged both ways as usual.</item>
/// </list>
/// </summary>
/// <remarks>
/// The cost: in the subscription's listing, such an attempt sorts by its event's acceptance, at most
/// <see cref="Window"/> before the attempt itself.
/// </remarks>
internal static class SoleRecipientEvents
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>Whether the event's expiry schedule row is left to its delivery log.</summary>
    public static bool IsScheduledByItsLog(WebhookEvent webhookEvent) => webhookEvent.SoleRecipient is not null;

    /// <summary>The schedule rows of the events of these attempts that left theirs to the log.</summary>
    public static IEnumerable<ExpiryEntry> ScheduleOf(IEnumerable<DeliveryAttempt> attempts) =>
        attempts
            .Where(a => a is { ToSoleRecipient: true, EventAcceptedAt: not null })
            .Select(a => ExpirySchedule.Entry(ExpiryKind.Event, a.EventAcceptedAt!.Value, a.EventId));

    public static bool IsLoggedBySubscriptionAlone(DeliveryAttempt attempt) =>
        attempt is { ToSoleRecipient: true, Attempt: 1, EventAcceptedAt: { } acceptedAt }
        && attempt.At >= acceptedAt
        && attempt.At - acceptedAt <= Window;

    /// <summary>The by-subscription key of such an attempt, from its event: null when the event had no sole recipient.</summary>
    public static (string PartitionKey, string RowKey)? KeyOf(WebhookEvent webhookEvent) =>
        webhookEvent is { SoleRecipient: { } subscriptionId, AcceptedAt: { } acceptedAt } ? KeyOf(webhookEvent.Id, subscriptionId, acceptedAt) : null;

    /// <summary>As <see cref="KeyOf(WebhookEvent)"/>, from the stored event row.</summary>
    public static (string PartitionKey, string RowKey)? KeyOf(TableEntity eventRow) =>
        eventRow.GetString("SoleRecipient") is { } subscriptionId ? KeyOf(eventRow.PartitionKey, subscriptionId, EventTableStore.AcceptedAt(eventRow)) : null;

    public static TableEntity ToEntity(DeliveryAttempt attempt)
    {
        var (partitionKey, rowKey) = KeyOf(attempt.EventId, attempt.SubscriptionId, attempt.EventAcceptedAt!.Value);
        return DeliveryAttemptEntityMapper.ToEntity(attempt, partitionKey, rowKey);
    }

    // Whole milliseconds: the time must give the same key whether it comes from memory or from the table.
    private static (string PartitionKey, string RowKey) KeyOf(string eventId, string subscriptionId, DateTimeOffset acceptedAt) =>
        (subscriptionId, DeliveryAttemptEntityMapper.BySubscriptionRowKey(eventId, 1, TruncateToMilliseconds(acceptedAt)));

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}
