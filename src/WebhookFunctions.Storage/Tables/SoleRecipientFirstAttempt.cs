using Azure.Data.Tables;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// The first attempt at an event's sole recipient, made within <see cref="Window"/> of the event's acceptance, is
/// logged by subscription alone, keyed by the acceptance time instead of its own. The event row names that recipient
/// and holds that time, so a reader (the per-event listing, the retention sweep) derives the row's key from the event:
/// the by-event copy, a write per delivery that no other write shares, is not needed. Every other attempt, and this one
/// made later (a redelivery, a replay, a backlog), is logged both ways as usual.
/// </summary>
/// <remarks>
/// The cost: in the subscription's listing, such an attempt sorts by its event's acceptance, which is at most
/// <see cref="Window"/> before the attempt itself. Within the window the entries are at most that far out of order.
/// </remarks>
internal static class SoleRecipientFirstAttempt
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    public static bool Applies(DeliveryAttempt attempt) =>
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
