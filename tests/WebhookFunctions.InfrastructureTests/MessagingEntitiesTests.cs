using System.Xml;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.InfrastructureTests;

/// <summary>The Service Bus entities in Bicep are the ones the engine and the Functions triggers name (MessagingNames).</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class MessagingEntitiesTests(InfrastructureFixture fixture)
{
    private DeploymentSnapshot Snapshot => fixture.WithDeployingUser;

    private string NamespaceName => DeploymentSnapshot.Name(Snapshot.Single("Microsoft.ServiceBus/namespaces"));

    [Fact]
    public void Events_topic_has_the_engine_name()
    {
        var topic = Snapshot.Single("Microsoft.ServiceBus/namespaces/topics");

        Assert.Equal($"{NamespaceName}/{MessagingNames.Events}", DeploymentSnapshot.Name(topic));
    }

    [Fact]
    public void Events_topic_drops_a_notice_sent_twice_for_the_same_event()
    {
        var topic = Snapshot.Single("Microsoft.ServiceBus/namespaces/topics");

        // A retried publish sends its notice again with the same message id (the event id).
        Assert.True(DeploymentSnapshot.At(topic, "properties.requiresDuplicateDetection").GetBoolean());
        Assert.Equal(TimeSpan.FromMinutes(5), XmlConvert.ToTimeSpan(DeploymentSnapshot.At(topic, "properties.duplicateDetectionHistoryTimeWindow").GetString()!));
    }

    [Fact]
    public void Deliveries_queue_keeps_duplicate_detection_off_so_that_a_replay_is_not_dropped()
    {
        var queue = Snapshot.Single("Microsoft.ServiceBus/namespaces/queues");

        // A replayed dead letter restarts at attempt 1 and so reuses the first attempt's message id.
        Assert.False(DeploymentSnapshot.At(queue, "properties.requiresSession").GetBoolean());
        Assert.False(queue.GetProperty("properties").TryGetProperty("requiresDuplicateDetection", out var detection) && detection.GetBoolean());
    }

    [Fact]
    public void Fan_out_subscription_has_the_engine_name_delivery_count_and_lock()
    {
        var subscription = Snapshot.Single("Microsoft.ServiceBus/namespaces/topics/subscriptions");

        Assert.Equal($"{NamespaceName}/{MessagingNames.Events}/{MessagingNames.FanOutSubscription}", DeploymentSnapshot.Name(subscription));
        AssertDeliveryLimits(subscription);
    }

    [Fact]
    public void Deliveries_queue_has_the_engine_name_delivery_count_and_lock()
    {
        var queue = Snapshot.Single("Microsoft.ServiceBus/namespaces/queues");

        Assert.Equal($"{NamespaceName}/{MessagingNames.Deliveries}", DeploymentSnapshot.Name(queue));
        AssertDeliveryLimits(queue);
    }

    [Fact]
    public void Service_Bus_app_settings_use_the_engine_connection_name()
    {
        var config = Assert.Single(Snapshot.OfType("Microsoft.Web/sites/config"));
        var serviceBusSettings = DeploymentSnapshot.At(config, "properties").EnumerateObject()
            .Select(p => p.Name)
            .Where(n => n.EndsWith("__fullyQualifiedNamespace", StringComparison.Ordinal));

        Assert.Equal([$"{MessagingNames.ServiceBusConnection}__fullyQualifiedNamespace"], serviceBusSettings);
    }

    private static void AssertDeliveryLimits(System.Text.Json.JsonElement entity)
    {
        Assert.Equal(MessagingNames.MaxDeliveryCount, DeploymentSnapshot.At(entity, "properties.maxDeliveryCount").GetInt32());
        Assert.Equal(MessagingNames.LockDuration, XmlConvert.ToTimeSpan(DeploymentSnapshot.At(entity, "properties.lockDuration").GetString()!));
        Assert.True(DeploymentSnapshot.At(entity, "properties.deadLetteringOnMessageExpiration").GetBoolean());
    }
}
