using System.Net;
using System.Text.Json;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Delivery.Decisions;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.OperationalEvents;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Testing.Waiting;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.OperationalEvents;

public sealed class OperationalEventTests : IDisposable
{
    // The circuit would defer the sixth consecutive failure instead of attempting it: kept closed here.
    private readonly EngineHarness harness = new(
        configureHealth: health => health.FailureThreshold = 1000,
        configureOperational: options => options.DeadLetterEventsPerWindow = 2);

    public void Dispose()
    {
        harness.OperationalEvents.Dispose();
        harness.Dispose();
    }

    [Fact]
    public async Task A_410_raises_failing_disabled_and_dead_lettered_about_the_subscription_without_a_tenant()
    {
        var subscription = await SubscribeAsync("gone.test", tenantId: "t1");
        harness.Receiver.Answer("gone.test", HttpStatusCode.Gone);
        var cause = await harness.StoreEventAsync();

        await harness.ProcessAsync(new DeliveryJob(cause.Id, cause.Type, [subscription.Id], 1, null));

        Assert.Equal([OperationalEventTypes.EndpointFailing, OperationalEventTypes.EndpointDisabled, OperationalEventTypes.DeliveryDeadLettered], Raised().Select(e => e.Type));
        Assert.All(Raised(), raised =>
        {
            Assert.Equal(subscription.Id, raised.Subject);
            Assert.Null(raised.TenantId);
            using var data = JsonDocument.Parse(raised.Data);
            Assert.Equal(subscription.Id, data.RootElement.GetProperty("subscriptionId").GetString());
            Assert.Equal("http://gone.test/hook", data.RootElement.GetProperty("url").GetString());
            Assert.Equal("t1", data.RootElement.GetProperty("tenantId").GetString());
            Assert.Equal(cause.Id, data.RootElement.GetProperty("eventId").GetString());
        });
        using var disabled = JsonDocument.Parse(Raised(OperationalEventTypes.EndpointDisabled).Single().Data);
        Assert.Equal("endpointGone", disabled.RootElement.GetProperty("reason").GetString());
        using var deadLettered = JsonDocument.Parse(Raised(OperationalEventTypes.DeliveryDeadLettered).Single().Data);
        Assert.Equal(("endpointGone", 1, 1, cause.Type), (
            deadLettered.RootElement.GetProperty("reason").GetString(),
            deadLettered.RootElement.GetProperty("attempts").GetInt32(),
            deadLettered.RootElement.GetProperty("count").GetInt32(),
            deadLettered.RootElement.GetProperty("eventType").GetString()));
        Assert.All(Raised(), raised => Assert.True(raised.NoticeQueued));
    }

    [Fact]
    public async Task Failing_is_raised_once_per_failing_period_and_recovered_when_it_ends()
    {
        var subscription = await SubscribeAsync("flaky.test");
        harness.Receiver.Answer("flaky.test", HttpStatusCode.InternalServerError);
        await DeliverNewEventAsync(subscription);
        await DeliverNewEventAsync(subscription);
        harness.Receiver.Answer("flaky.test", HttpStatusCode.OK);
        await DeliverNewEventAsync(subscription);
        harness.Receiver.Answer("flaky.test", HttpStatusCode.InternalServerError);
        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        await DeliverNewEventAsync(subscription);

        Assert.Equal(
            [OperationalEventTypes.EndpointFailing, OperationalEventTypes.EndpointRecovered, OperationalEventTypes.EndpointFailing],
            Raised().Select(e => e.Type));
        using var recovered = JsonDocument.Parse(Raised(OperationalEventTypes.EndpointRecovered).Single().Data);
        using var firstFailing = JsonDocument.Parse(Raised(OperationalEventTypes.EndpointFailing).First().Data);
        Assert.Equal(firstFailing.RootElement.GetProperty("failingSince").GetString(), recovered.RootElement.GetProperty("failingSince").GetString());
        Assert.Equal(500, firstFailing.RootElement.GetProperty("statusCode").GetInt32());
    }

    [Theory]
    [InlineData("webhook.*")]
    [InlineData("webhook.endpoint.disabled")]
    [InlineData("*")]
    public async Task A_subscription_that_receives_operational_events_raises_none_about_itself(string eventTypes)
    {
        var subscription = await SubscribeAsync("operator.test", eventTypes: ["order.*", eventTypes]);
        harness.Receiver.Answer("operator.test", HttpStatusCode.Gone);

        await DeliverNewEventAsync(subscription);

        Assert.Equal(SubscriptionStatus.Disabled, (await harness.Subscriptions.GetAsync(subscription.Id, CancellationToken.None))!.Status);
        Assert.Empty(Raised());
    }

    [Fact]
    public async Task An_operational_event_is_never_sent_to_the_subscription_it_is_about()
    {
        var subscription = await SubscribeAsync("operator.test", eventTypes: ["webhook.*"]);
        var about = new WebhookEvent("op_1", OperationalEventTypes.EndpointFailing, harness.Clock.GetUtcNow(), subscription.Id, null, "{}"u8.ToArray(), null);
        await harness.Events.TryAddAsync(about, CancellationToken.None);

        await harness.ProcessAsync(new DeliveryJob(about.Id, about.Type, [subscription.Id], 1, null));

        Assert.Empty(harness.Receiver.Received);
        var attempt = Assert.Single(harness.Log.Attempts);
        Assert.Equal((AttemptOutcome.Skipped, SkipReasons.AboutItself), (attempt.Outcome, attempt.Error));
        Assert.Equal(1, harness.Transport.Completions);
    }

    [Fact]
    public async Task The_same_dead_letter_raised_twice_is_one_event()
    {
        var subscription = await SubscribeAsync("gone.test");
        harness.Receiver.Answer("gone.test", HttpStatusCode.InternalServerError);
        var cause = await harness.StoreEventAsync();
        var lastAttempt = new DeliveryJob(cause.Id, cause.Type, [subscription.Id], harness.Options.Value.RetrySchedule.Count, null);

        // A crash after the dead letter and before the message was settled hands the same job out again.
        await harness.ProcessAsync(lastAttempt);
        await harness.ProcessAsync(lastAttempt);

        Assert.Equal(2, harness.Transport.DeadLetters.Count);
        Assert.Single(Raised(OperationalEventTypes.DeliveryDeadLettered));
    }

    [Fact]
    public async Task Dead_letters_past_the_limit_in_a_minute_are_sent_as_one_event_with_their_count_when_it_ends()
    {
        var subscription = await SubscribeAsync("broken.test");
        harness.Receiver.Answer("broken.test", HttpStatusCode.InternalServerError);
        var lastAttempt = harness.Options.Value.RetrySchedule.Count;
        for (var i = 0; i < 5; i++)
        {
            await DeliverNewEventAsync(subscription, lastAttempt);
            harness.Clock.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(2, Raised(OperationalEventTypes.DeliveryDeadLettered).Count);
        harness.Clock.Advance(TimeSpan.FromSeconds(40));
        var summary = await Eventually.FoundAsync(
            () => Task.FromResult(Raised(OperationalEventTypes.DeliveryDeadLettered).FirstOrDefault(e => Count(e) > 1)),
            "the dead-letter event with the minute's count");

        using var data = JsonDocument.Parse(summary.Data);
        Assert.Equal(3, data.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(3, data.RootElement.GetProperty("reasons").GetProperty("maxAttemptsExceeded").GetInt32());
        Assert.Equal(JsonValueKind.Null, data.RootElement.GetProperty("eventId").ValueKind);
        Assert.Equal(subscription.Id, summary.Subject);

        await DeliverNewEventAsync(subscription, lastAttempt);
        Assert.Equal(4, Raised(OperationalEventTypes.DeliveryDeadLettered).Count);
    }

    private async Task<Subscription> SubscribeAsync(string host, string? tenantId = null, string[]? eventTypes = null)
    {
        var created = await harness.SubscriptionService.CreateAsync(new SubscriptionInput($"http://{host}/hook", eventTypes ?? ["order.*"], TenantId: tenantId), CancellationToken.None);
        Assert.True(created.Succeeded, created.Error?.Detail);
        return created.Value!.Subscription;
    }

    private async Task DeliverNewEventAsync(Subscription subscription, int attempt = 1)
    {
        var webhookEvent = await harness.StoreEventAsync();
        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], attempt, null));
    }

    /// <summary>The operational events raised, in the order their notices were queued.</summary>
    private List<WebhookEvent> Raised(string? type = null) =>
        harness.Transport.Notices
            .Select(notice => harness.Events.Items[notice.EventId])
            .Where(e => type is null ? e.Type.StartsWith("webhook.", StringComparison.Ordinal) : e.Type == type)
            .ToList();

    private static int Count(WebhookEvent raised)
    {
        using var data = JsonDocument.Parse(raised.Data);
        return data.RootElement.GetProperty("count").GetInt32();
    }
}
