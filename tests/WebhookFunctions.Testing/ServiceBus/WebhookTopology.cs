using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>The Service Bus entities the app uses, as infra/app/servicebus.bicep creates them, on an in-memory broker.</summary>
public static class WebhookTopology
{
    /// <summary>infra/app/servicebus.bicep's messageTimeToLive on the subscription and the queue.</summary>
    public static readonly TimeSpan MessageTimeToLive = TimeSpan.FromDays(14);

    /// <summary>infra/app/servicebus.bicep's duplicateDetectionHistoryTimeWindow on the events topic (requiresDuplicateDetection).</summary>
    public static readonly TimeSpan EventsDuplicateDetectionWindow = TimeSpan.FromMinutes(5);

    public static readonly EntityOptions EntityOptions = new()
    {
        MaxDeliveryCount = MessagingNames.MaxDeliveryCount,
        LockDuration = MessagingNames.LockDuration,
        DefaultMessageTimeToLive = MessageTimeToLive,
        DeadLetteringOnMessageExpiration = true,
    };

    /// <summary>What the fan-out trigger reads: the events topic's subscription.</summary>
    public static string FanOutSubscription { get; } = EntityPaths.Subscription(MessagingNames.Events, MessagingNames.FanOutSubscription);

    public static string Deliveries => MessagingNames.Deliveries;

    public static string DeliveriesDeadLetters { get; } = EntityPaths.DeadLetter(MessagingNames.Deliveries);

    /// <summary>The events topic (duplicate detection on) with its fan-out subscription, and the deliveries queue.</summary>
    public static ServiceBusBroker CreateBroker(TimeProvider timeProvider, long maxMessageSizeInBytes = ServiceBusBroker.StandardMaxMessageSizeInBytes)
    {
        var broker = new ServiceBusBroker(timeProvider, maxMessageSizeInBytes);
        broker.CreateTopic(MessagingNames.Events, EventsDuplicateDetectionWindow);
        broker.CreateSubscription(MessagingNames.Events, MessagingNames.FanOutSubscription, EntityOptions);
        broker.CreateQueue(MessagingNames.Deliveries, EntityOptions);
        return broker;
    }
}
