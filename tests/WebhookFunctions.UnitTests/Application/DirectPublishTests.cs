using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Testing.Engine;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Application;

/// <summary>Publish's direct path: the job is queued before the event is stored, and nothing else is queued.</summary>
public sealed class DirectPublishTests : IDisposable
{
    private readonly EngineHarness harness = new(options => options.FanOutBatchSize = 3);
    private readonly RecordingDirectDelivery direct;
    private readonly PublishService publish;

    public DirectPublishTests()
    {
        direct = new RecordingDirectDelivery(harness.Events);
        publish = Publish(harness.Events);
    }

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task An_event_with_one_recipient_queues_its_job_first_then_is_stored_marked_then_the_job_is_released()
    {
        var subscription = await harness.SubscribeAsync("one.example", "order.created");

        var receipt = await PublishAsync("order.created");

        Assert.True(receipt.Succeeded);
        Assert.Equal(["send", "release (event stored)"], direct.Calls);
        var job = Assert.Single(direct.Jobs);
        Assert.Equal((receipt.Value!.Id, 1, harness.Clock.GetUtcNow()), (job.EventId, job.Attempt, job.QueuedBeforeEventAt));
        Assert.Equal([subscription.Id], job.SubscriptionIds);
        Assert.True(harness.Events.Items[receipt.Value.Id].NoticeQueued);
        Assert.Equal(subscription.Id, harness.Events.Items[receipt.Value.Id].SoleRecipient);
        Assert.Empty(harness.Transport.Notices);
    }

    [Fact]
    public async Task Only_the_sole_recipient_of_an_event_has_its_attempts_marked_as_such()
    {
        var only = await harness.SubscribeAsync("one.example", "order.created");
        var both = await harness.SubscribeAsync("two.example", "invoice.paid");
        await harness.SubscribeAsync("three.example", "invoice.paid");
        var toOne = await PublishAsync("order.created");
        var toTwo = await PublishAsync("invoice.paid");
        Assert.Null(harness.Events.Items[toTwo.Value!.Id].SoleRecipient);
        var jobs = direct.Jobs.ToList();
        Assert.Equal(2, jobs[1].SubscriptionIds.Count);

        await harness.ProcessAsync(jobs[0] with { SubscriptionIds = [only.Id, both.Id] }); // A job naming another subscription too.
        await harness.ProcessAsync(jobs[1]);

        Assert.Equal(4, harness.Log.Attempts.Count);
        Assert.Equal([(toOne.Value!.Id, only.Id)], harness.Log.Attempts.Where(a => a.ToSoleRecipient).Select(a => (a.EventId, a.SubscriptionId)));
    }

    [Fact]
    public async Task A_repeated_publish_of_a_direct_event_queues_nothing_more()
    {
        await harness.SubscribeAsync("one.example", "order.created");
        var first = await PublishAsync("order.created", key: "key-1");

        var again = await PublishAsync("order.created", key: "key-1");

        Assert.True(again.Value!.AlreadyAccepted);
        Assert.Equal(first.Value!.Id, again.Value.Id);
        Assert.Single(direct.Jobs);
        Assert.Empty(harness.Transport.Notices);
    }

    [Fact]
    public async Task An_event_nobody_subscribes_to_is_stored_marked_with_no_job_and_no_notice()
    {
        var receipt = await PublishAsync("order.created");

        Assert.True(harness.Events.Items[receipt.Value!.Id].NoticeQueued);
        Assert.Empty(direct.Calls);
        Assert.Empty(harness.Transport.Notices);
    }

    [Fact]
    public async Task An_event_with_more_recipients_than_one_job_carries_takes_the_notice_path()
    {
        for (var i = 0; i < 4; i++)
        {
            await harness.SubscribeAsync($"r{i}.example", "order.created");
        }

        var receipt = await PublishAsync("order.created");

        Assert.Empty(direct.Calls);
        Assert.Equal(receipt.Value!.Id, Assert.Single(harness.Transport.Notices).EventId);
        Assert.True(harness.Events.Items[receipt.Value.Id].NoticeQueued);
    }

    [Fact]
    public async Task A_payload_filter_is_applied_at_publish_so_a_held_back_event_queues_no_job()
    {
        var created = await harness.SubscriptionService.CreateAsync(
            new Engine.Subscriptions.SubscriptionInput("http://big.example/hook", ["order.created"], Filter: System.Text.Json.JsonDocument.Parse("""{"data.total":{"$gte":1000}}""").RootElement),
            CancellationToken.None);
        Assert.True(created.Succeeded, created.Error?.Detail);

        await PublishAsync("order.created", data: """{"total":5}""");
        await PublishAsync("order.created", data: """{"total":5000}""");

        var job = Assert.Single(direct.Jobs);
        Assert.Equal([created.Value!.Subscription.Id], job.SubscriptionIds);
    }

    [Fact]
    public async Task A_failed_event_write_leaves_the_job_queued_since_the_write_may_have_landed()
    {
        await harness.SubscribeAsync("one.example", "order.created");
        var failing = Publish(new ThrowingOnAddEventStore(harness.Events));

        await Assert.ThrowsAsync<TimeoutException>(() => failing.PublishAsync(new PublishCommand(null, "order.created", "{}"u8.ToArray()), CancellationToken.None));

        Assert.Equal(["send", "abandon"], direct.Calls);
    }

    [Fact]
    public async Task A_client_id_already_taken_discards_the_job_and_answers_the_first_event()
    {
        await harness.SubscribeAsync("one.example", "order.created");
        await PublishAsync("order.created", id: "evt-client-1");

        var again = await PublishAsync("order.created", id: "evt-client-1");

        Assert.True(again.Value!.AlreadyAccepted);
        Assert.Equal(["send", "release (event stored)", "send (event stored)", "discard"], direct.Calls);
    }

    private Task<Engine.Common.Result<PublishReceipt>> PublishAsync(string type, string? key = null, string? id = null, string data = "{}") =>
        publish.PublishAsync(new PublishCommand(id, type, System.Text.Encoding.UTF8.GetBytes(data), IdempotencyKey: key), CancellationToken.None);

    private PublishService Publish(IEventStore events) =>
        new(events, new InMemoryIdempotencyStore(), harness.Transport, harness.DirectRoute(direct, events), harness.Options, harness.Clock, NullLogger<PublishService>.Instance);

    private sealed class ThrowingOnAddEventStore(IEventStore inner) : IEventStore
    {
        public Task<bool> TryAddAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) => throw new TimeoutException("The table did not answer.");

        public Task<WebhookEvent?> GetAsync(string eventId, CancellationToken cancellationToken) => inner.GetAsync(eventId, cancellationToken);

        public Task MarkNoticeQueuedAsync(string eventId, CancellationToken cancellationToken) => inner.MarkNoticeQueuedAsync(eventId, cancellationToken);
    }
}
