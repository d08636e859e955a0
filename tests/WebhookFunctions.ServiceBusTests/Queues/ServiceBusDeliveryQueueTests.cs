using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.ServiceBus.Messages;
using WebhookFunctions.ServiceBusTests.Doubles;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Queues;

public sealed class ServiceBusDeliveryQueueTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public async Task A_job_for_several_subscriptions_becomes_one_message_each_with_id_subject_and_properties()
    {
        await using var harness = new TransportHarness();
        var job = new DeliveryJob("evt_1", "order.created", ["sub_a", "sub_b", "sub_c"], Attempt: 1, TraceParent);

        await new ServiceBusDeliveryQueue(harness.Client).SendAsync([job], CancellationToken.None);

        var messages = harness.Broker.Peek(WebhookTopology.Deliveries);
        Assert.Equal(["evt_1:sub_a:1", "evt_1:sub_b:1", "evt_1:sub_c:1"], messages.Select(m => m.MessageId));
        Assert.All(messages, m => Assert.Equal(("order.created", "application/json", ServiceBusMessageState.Active), (m.Subject, m.ContentType, m.State)));
        var second = messages[1];
        Assert.Equal("evt_1", second.ApplicationProperties["eventId"]);
        Assert.Equal("sub_b", second.ApplicationProperties["subscriptionId"]);
        Assert.Equal("order.created", second.ApplicationProperties["eventType"]);
        Assert.Equal(1, second.ApplicationProperties["attempt"]);
        Assert.Equal(TraceParent, second.ApplicationProperties["traceParent"]);
        Assert.Equal(job with { SubscriptionIds = ["sub_b"] }, MessageCodec.DecodeDeliveryJob(second.Body.ToMemory().Span), new JobComparer());
    }

    [Fact]
    public async Task A_large_fan_out_is_split_across_batches_each_filled_to_its_size_limit()
    {
        await using var harness = new TransportHarness(maxMessageSizeInBytes: 2048);
        var recording = new RecordingClient(harness.Client);
        var subscriptionIds = Enumerable.Range(0, 25).Select(i => $"sub_{i:00}").ToList();
        var job = new DeliveryJob("evt_1", "order.created", subscriptionIds, Attempt: 1, TraceParent);
        var perBatch = await CapacityAsync(harness.Client, job with { SubscriptionIds = ["sub_00"] });

        await new ServiceBusDeliveryQueue(recording).SendAsync([job], CancellationToken.None);

        Assert.InRange(perBatch, 2, 12);
        Assert.Equal(subscriptionIds.Chunk(perBatch).Select(chunk => chunk.Length), recording.SentBatchSizes);
        Assert.Equal(subscriptionIds, harness.Broker.Peek(WebhookTopology.Deliveries).Select(m => (string)m.ApplicationProperties["subscriptionId"]));
    }

    [Fact]
    public async Task Jobs_of_several_events_are_sent_in_order_in_the_same_batches()
    {
        await using var harness = new TransportHarness();
        var recording = new RecordingClient(harness.Client);

        await new ServiceBusDeliveryQueue(recording).SendAsync(
            [new DeliveryJob("evt_1", "order.created", ["sub_a", "sub_b"], 1, null), new DeliveryJob("evt_2", "order.shipped", ["sub_a"], 1, null)],
            CancellationToken.None);

        Assert.Equal([3], recording.SentBatchSizes);
        Assert.Equal(["evt_1:sub_a:1", "evt_1:sub_b:1", "evt_2:sub_a:1"], harness.Broker.Peek(WebhookTopology.Deliveries).Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_message_too_large_for_an_empty_batch_is_an_error_and_nothing_is_sent()
    {
        await using var harness = new TransportHarness(maxMessageSizeInBytes: 200);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new ServiceBusDeliveryQueue(harness.Client).SendAsync([new DeliveryJob("evt_1", "order.created", ["sub_a"], 1, TraceParent)], CancellationToken.None));

        Assert.Contains("evt_1:sub_a:1", error.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Broker.Peek(WebhookTopology.Deliveries));
    }

    [Fact]
    public async Task A_retry_is_scheduled_on_the_deliveries_queue_at_its_due_time_one_message_per_subscription()
    {
        await using var harness = new TransportHarness();
        var due = TransportHarness.Start.AddSeconds(90);
        var job = new DeliveryJob("evt_1", "order.created", ["sub_a", "sub_b"], Attempt: 3, TraceParent, DueAt: due, FirstAttemptAt: TransportHarness.Start.AddMinutes(-5), LastStatusCode: 503);

        await new ServiceBusDeliveryQueue(harness.Client).ScheduleAsync(job, due, CancellationToken.None);

        var scheduled = harness.Broker.Peek(WebhookTopology.Deliveries);
        Assert.Equal(["evt_1:sub_a:3", "evt_1:sub_b:3"], scheduled.Select(m => m.MessageId));
        Assert.All(scheduled, m => Assert.Equal((ServiceBusMessageState.Scheduled, due), (m.State, m.ScheduledEnqueueTime)));
        Assert.Null(harness.Broker.ReceiveNext(WebhookTopology.Deliveries));

        harness.Clock.Advance(TimeSpan.FromSeconds(90));
        var first = harness.Broker.ReceiveNext(WebhookTopology.Deliveries);

        Assert.NotNull(first);
        Assert.Equal(due, first.EnqueuedTime);
        var decoded = MessageCodec.DecodeDeliveryJob(first.Body.ToMemory().Span);
        Assert.Equal((3, due, 503), (decoded.Attempt, decoded.DueAt, decoded.LastStatusCode));
        Assert.Equal(["sub_a"], decoded.SubscriptionIds);
    }

    private static async Task<int> CapacityAsync(ServiceBusClient client, DeliveryJob single)
    {
        using var batch = await client.CreateSender(WebhookTopology.Deliveries).CreateMessageBatchAsync();
        while (batch.TryAddMessage(ServiceBusMessages.From(DeliveryMessageShape.For(single))))
        {
        }

        return batch.Count;
    }

    private sealed class JobComparer : IEqualityComparer<DeliveryJob>
    {
        public bool Equals(DeliveryJob? x, DeliveryJob? y) =>
            x is not null && y is not null && x with { SubscriptionIds = Array.Empty<string>() } == y with { SubscriptionIds = Array.Empty<string>() } && x.SubscriptionIds.SequenceEqual(y.SubscriptionIds);

        public int GetHashCode(DeliveryJob obj) => obj.EventId.GetHashCode(StringComparison.Ordinal);
    }
}
