using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.Messages;

namespace WebhookFunctions.ServiceBusTests.Messages;

public class DeliveryMessageShapeTests
{
    private static readonly DateTimeOffset Due = new(2026, 3, 1, 12, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Message_id_names_event_subscription_and_attempt()
    {
        var shape = DeliveryMessageShape.For(Job(attempt: 3));

        Assert.Equal("evt_1:sub_a:3", shape.MessageId);
    }

    [Fact]
    public void The_same_attempt_always_gets_the_same_message_id()
    {
        Assert.Equal(DeliveryMessageShape.For(Job(attempt: 2)).MessageId, DeliveryMessageShape.For(Job(attempt: 2)).MessageId);
        Assert.NotEqual(DeliveryMessageShape.For(Job(attempt: 2)).MessageId, DeliveryMessageShape.For(Job(attempt: 3)).MessageId);
    }

    [Fact]
    public void Message_id_too_long_for_service_bus_becomes_a_stable_hash()
    {
        var job = Job(attempt: 10) with { EventId = new string('e', 64), SubscriptionIds = [new string('s', 64)] };

        var first = DeliveryMessageShape.For(job).MessageId;

        Assert.True(first.Length <= ServiceBusMessageShape.MaxMessageIdLength);
        Assert.Equal(first, DeliveryMessageShape.For(job).MessageId);
        Assert.NotEqual(first, DeliveryMessageShape.For(job with { Attempt = 9 }).MessageId);
    }

    [Fact]
    public void Subject_is_the_event_type_and_content_type_is_json()
    {
        var shape = DeliveryMessageShape.For(Job(attempt: 1));

        Assert.Equal("order.created", shape.Subject);
        Assert.Equal("application/json", shape.ContentType);
    }

    [Fact]
    public void Application_properties_identify_the_delivery()
    {
        var shape = DeliveryMessageShape.For(Job(attempt: 4));

        Assert.Equal("evt_1", shape.ApplicationProperties["eventId"]);
        Assert.Equal("sub_a", shape.ApplicationProperties["subscriptionId"]);
        Assert.Equal("order.created", shape.ApplicationProperties["eventType"]);
        Assert.Equal(4, shape.ApplicationProperties["attempt"]);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", shape.ApplicationProperties["traceParent"]);
    }

    [Fact]
    public void Trace_parent_property_is_left_out_when_the_job_has_none()
    {
        var shape = DeliveryMessageShape.For(Job(attempt: 1) with { TraceParent = null });

        Assert.False(shape.ApplicationProperties.ContainsKey("traceParent"));
    }

    [Fact]
    public void Body_is_the_delivery_job_as_the_shared_codec_writes_it()
    {
        var job = Job(attempt: 2) with { FirstAttemptAt = Due.AddMinutes(-5), LastStatusCode = 503, LastError = "serviceUnavailable" };

        var decoded = MessageCodec.DecodeDeliveryJob(DeliveryMessageShape.For(job).Body.Span);

        Assert.Equal(job.EventId, decoded.EventId);
        Assert.Equal(job.SubscriptionIds, decoded.SubscriptionIds);
        Assert.Equal(2, decoded.Attempt);
        Assert.Equal(503, decoded.LastStatusCode);
        Assert.Equal(job.FirstAttemptAt, decoded.FirstAttemptAt);
    }

    [Fact]
    public void Scheduled_time_is_carried_when_given_and_absent_for_a_send_now()
    {
        Assert.Equal(Due, DeliveryMessageShape.For(Job(attempt: 2), Due).ScheduledEnqueueTime);
        Assert.Null(DeliveryMessageShape.For(Job(attempt: 1)).ScheduledEnqueueTime);
    }

    [Fact]
    public void A_job_for_several_subscriptions_is_refused()
    {
        var job = Job(attempt: 1) with { SubscriptionIds = ["sub_a", "sub_b"] };

        Assert.Throws<ArgumentException>(() => DeliveryMessageShape.For(job));
    }

    [Fact]
    public void Splitting_gives_one_job_per_subscription_in_order_with_everything_else_kept()
    {
        var job = Job(attempt: 1) with { SubscriptionIds = ["sub_a", "sub_b", "sub_c"] };

        var split = DeliveryMessageShape.PerSubscription(job);

        Assert.Equal(["sub_a", "sub_b", "sub_c"], split.Select(j => Assert.Single(j.SubscriptionIds)));
        Assert.All(split, j => Assert.Equal(job with { SubscriptionIds = j.SubscriptionIds }, j));
    }

    [Fact]
    public void Splitting_a_single_subscription_job_returns_it_unchanged()
    {
        var job = Job(attempt: 5);

        Assert.Same(job, Assert.Single(DeliveryMessageShape.PerSubscription(job)));
    }

    [Fact]
    public void Event_notice_message_is_keyed_by_event_id_with_the_type_as_subject()
    {
        var notice = new EventNotice("evt_9", "invoice.paid", null);

        var shape = EventNoticeMessageShape.For(notice);

        Assert.Equal("evt_9", shape.MessageId);
        Assert.Equal("invoice.paid", shape.Subject);
        Assert.Equal("application/json", shape.ContentType);
        Assert.Equal(notice, MessageCodec.DecodeEventNotice(shape.Body.Span));
        Assert.Null(shape.ScheduledEnqueueTime);
    }

    private static DeliveryJob Job(int attempt) =>
        new("evt_1", "order.created", ["sub_a"], attempt, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
}
