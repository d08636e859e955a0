using System.Text.Json;
using WebhookFunctions.FunctionsTests.Infrastructure;

namespace WebhookFunctions.FunctionsTests.Metadata;

/// <summary>The Service Bus triggers listen where infra/ creates the entities, through the connection it configures.</summary>
[Collection(DeployedAppCollection.Name)]
public sealed class ServiceBusTriggerMetadataTests(DeployedAppFixture fixture)
{
    private static IReadOnlyList<FunctionEntry> Triggers => FunctionsMetadata.OfTrigger("serviceBusTrigger").ToList();

    [Fact]
    public void Every_queue_infra_creates_is_read_by_exactly_one_trigger_and_no_trigger_reads_another()
    {
        var read = Triggers.Where(function => function.Trigger.TryGetProperty("queueName", out _))
            .Select(function => FunctionEntry.Text(function.Trigger, "queueName"))
            .Order(StringComparer.Ordinal);

        Assert.NotEmpty(fixture.App.Queues);
        Assert.Equal(fixture.App.Queues.Order(StringComparer.Ordinal), read);
    }

    [Fact]
    public void Every_topic_subscription_infra_creates_is_read_by_exactly_one_trigger_and_no_trigger_reads_another()
    {
        var read = Triggers.Where(function => function.Trigger.TryGetProperty("topicName", out _))
            .Select(function => $"{FunctionEntry.Text(function.Trigger, "topicName")}/{FunctionEntry.Text(function.Trigger, "subscriptionName")}")
            .Order(StringComparer.Ordinal);

        Assert.NotEmpty(fixture.App.TopicSubscriptions);
        Assert.Equal(fixture.App.TopicSubscriptions.Order(StringComparer.Ordinal), read);
    }

    [Fact]
    public void Every_trigger_connects_through_the_setting_infra_sets_with_the_apps_identity()
    {
        var connection = fixture.App.ServiceBusConnectionName;

        Assert.NotEmpty(Triggers);
        Assert.All(Triggers, function => Assert.Equal(connection, FunctionEntry.Text(function.Trigger, "connection")));
        Assert.Equal("managedidentity", fixture.App.AppSettings[$"{connection}__credential"]);
        Assert.Equal(DeploymentTimeValues.IdentityClientId, fixture.App.AppSettings[$"{connection}__clientId"]);
        Assert.Equal($"{fixture.App.ServiceBusNamespace}.servicebus.windows.net", fixture.App.AppSettings[$"{connection}__fullyQualifiedNamespace"]);
    }

    [Fact]
    public void No_trigger_completes_messages_on_its_own()
    {
        Assert.NotEmpty(Triggers);
        Assert.All(Triggers, function =>
        {
            Assert.True(function.Trigger.TryGetProperty("autoCompleteMessages", out var autoComplete), $"{function} does not say autoCompleteMessages.");
            Assert.Equal(JsonValueKind.False, autoComplete.ValueKind);
        });
    }

    [Fact]
    public void Every_trigger_takes_one_message_at_a_time()
    {
        Assert.All(Triggers, function => Assert.Equal("One", FunctionEntry.Text(function.Trigger, "cardinality")));
    }
}
