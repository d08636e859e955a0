using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.Storage;

/// <summary>The names of every table, queue and blob container, each prefixed by <see cref="StorageOptions.NamePrefix"/>.</summary>
internal sealed class StorageNames(string prefix)
{
    public string SubscriptionsTable { get; } = prefix + "subscriptions";

    public string EventsTable { get; } = prefix + "events";

    public string IdempotencyTable { get; } = prefix + "idempotency";

    public string DeliveryAttemptsTable { get; } = prefix + "deliveryattempts";

    public string SubscriptionDeliveriesTable { get; } = prefix + "subscriptiondeliveries";

    /// <summary>The expiry schedule: what each day's sweep removes (Retention/ExpirySchedule).</summary>
    public string ExpiryTable { get; } = prefix + "expiry";

    public string DeadLettersTable { get; } = prefix + "deadletters";

    /// <summary>Queue messages that could not be decoded; a table, so they do not slow the queues.</summary>
    public string PoisonMessagesTable { get; } = prefix + "poisonmessages";

    public string EventPayloadsContainer { get; } = prefix + "event-payloads";

    public string EventsQueue { get; } = prefix + MessagingNames.Events;

    public string DeliveriesQueue { get; } = prefix + MessagingNames.Deliveries;

    public IReadOnlyList<string> StoreTables =>
        [SubscriptionsTable, EventsTable, IdempotencyTable, DeliveryAttemptsTable, SubscriptionDeliveriesTable, ExpiryTable];

    public IReadOnlyList<string> TransportTables => [DeadLettersTable, PoisonMessagesTable];

    public IReadOnlyList<string> TransportQueues => [EventsQueue, DeliveriesQueue];
}
