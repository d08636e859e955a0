using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.DeadLetters;
using WebhookFunctions.ServiceBus.Messages;
using WebhookFunctions.ServiceBusTests.DeadLetters;

namespace WebhookFunctions.ServiceBusTests.Tenants;

/// <summary>The tenant travels as the "tenantId" application property, so a dead letter keeps it even without its body.</summary>
public sealed class TenantMessagePropertyTests
{
    private static readonly DateTimeOffset Enqueued = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Notices_delivery_messages_and_dead_letters_carry_the_tenant_as_a_property()
    {
        var job = new DeliveryJob("evt_1", "order.created", ["sub_a"], 1, null, TenantId: "t1");

        Assert.Equal("t1", EventNoticeMessageShape.For(new EventNotice("evt_1", "order.created", null, "t1")).ApplicationProperties[ServiceBusPropertyNames.TenantId]);
        Assert.Equal("t1", DeliveryMessageShape.For(job).ApplicationProperties[ServiceBusPropertyNames.TenantId]);
        Assert.Equal("t1", DeadLetterMessageShape.For(DeadLetterMessageShapeTests.Sample() with { TenantId = "t1" }).ApplicationProperties[ServiceBusPropertyNames.TenantId]);
        Assert.False(DeliveryMessageShape.For(job with { TenantId = null }).ApplicationProperties.ContainsKey(ServiceBusPropertyNames.TenantId));
    }

    [Fact]
    public void A_dead_letter_reads_its_tenant_from_the_property_without_a_body()
    {
        var shape = DeadLetterMessageShape.For(DeadLetterMessageShapeTests.Sample() with { TenantId = "t1" });

        var read = DeadLetteredMessageReader.Read(shape.ApplicationProperties, shape.Reason, shape.Description, [], Enqueued);

        Assert.Equal("t1", read?.TenantId);
    }

    [Fact]
    public void A_message_the_broker_dead_lettered_itself_reads_its_tenant_from_the_job()
    {
        var job = new DeliveryJob("evt_1", "order.created", ["sub_a"], 3, null, TenantId: "t1");
        var message = DeliveryMessageShape.For(job);
        var withoutTenantProperty = message.ApplicationProperties.Where(p => p.Key != ServiceBusPropertyNames.TenantId).ToDictionary();

        var read = DeadLetteredMessageReader.Read(withoutTenantProperty, "MaxDeliveryCountExceeded", null, message.Body.Span, Enqueued);

        Assert.Equal("t1", read?.TenantId);
    }
}
