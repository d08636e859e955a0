namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>Entity paths as the SDK writes them (a receiver's <c>EntityPath</c>), which the broker's methods take.</summary>
public static class EntityPaths
{
    public static string Subscription(string topicName, string subscriptionName) => $"{topicName}/Subscriptions/{subscriptionName}";

    public static string DeadLetter(string entityPath) => $"{entityPath}/$DeadLetterQueue";
}
