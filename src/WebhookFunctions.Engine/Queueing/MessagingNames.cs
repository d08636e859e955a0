namespace WebhookFunctions.Engine.Queueing;

/// <summary>
/// The names of the messaging entities, shared by both transports, the Functions triggers and the Bicep (a test
/// holds infra/ to these values).
/// </summary>
public static class MessagingNames
{
    /// <summary>Published event notices: a Service Bus topic, a Storage queue self-hosted.</summary>
    public const string Events = "events";

    /// <summary>The events topic's subscription that the fan-out function reads.</summary>
    public const string FanOutSubscription = "fanout";

    /// <summary>Delivery jobs, including scheduled retries.</summary>
    public const string Deliveries = "deliveries";

    /// <summary>The app setting prefix of the Service Bus connection (ServiceBusConnection__fullyQualifiedNamespace).</summary>
    public const string ServiceBusConnection = "ServiceBusConnection";

    /// <summary>
    /// Service Bus redeliveries of one message (lock lost, crash) before the broker dead-letters it; the engine's own
    /// retries are new scheduled messages and do not count here.
    /// </summary>
    public const int MaxDeliveryCount = 10;

    /// <summary>Peek-lock duration: above the attempt timeout (15 s) plus logging, renewed by the host when longer.</summary>
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(1);
}
