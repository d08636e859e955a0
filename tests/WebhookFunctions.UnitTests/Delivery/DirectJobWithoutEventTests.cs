using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Delivery;

/// <summary>A direct publish's job that finds no event: its event may be on its way, or its publish never completed.</summary>
public sealed class DirectJobWithoutEventTests : IDisposable
{
    private readonly EngineHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task Within_the_grace_it_looks_again_later_and_logs_nothing()
    {
        var subscription = await harness.SubscribeAsync("one.example", "order.created");
        var job = DirectJob(subscription.Id, queuedAt: harness.Clock.GetUtcNow());
        harness.Clock.Advance(TimeSpan.FromSeconds(3));

        await harness.ProcessAsync(job);

        var (rescheduled, dueAt) = Assert.Single(harness.Transport.Scheduled);
        Assert.Equal(harness.Clock.GetUtcNow() + TimeSpan.FromSeconds(3), dueAt);
        Assert.Equal(job with { DueAt = dueAt }, rescheduled);
        Assert.Equal(1, harness.Transport.Completions);
        Assert.Empty(harness.Log.Attempts);
    }

    [Fact]
    public async Task Once_the_event_is_stored_the_job_delivers_it()
    {
        var subscription = await harness.SubscribeAsync("one.example", "order.created");
        var stored = await harness.StoreEventAsync();
        harness.Receiver.Answer("one.example", System.Net.HttpStatusCode.OK);

        await harness.ProcessAsync(DirectJob(subscription.Id, harness.Clock.GetUtcNow(), stored.Id));

        Assert.Equal(AttemptOutcome.Delivered, Assert.Single(harness.Log.Attempts).Outcome);
    }

    [Fact]
    public async Task After_the_grace_the_job_ends_with_nothing_logged_and_nothing_rescheduled()
    {
        var subscription = await harness.SubscribeAsync("one.example", "order.created");
        var job = DirectJob(subscription.Id, queuedAt: harness.Clock.GetUtcNow());
        harness.Clock.Advance(DirectPublishDeadlines.Grace);

        await harness.ProcessAsync(job);

        Assert.Empty(harness.Transport.Scheduled);
        Assert.Equal(1, harness.Transport.Completions);
        Assert.Empty(harness.Log.Attempts);
    }

    [Fact]
    public async Task A_missing_event_of_a_job_that_is_not_a_direct_first_attempt_is_logged_expired_as_before()
    {
        var subscription = await harness.SubscribeAsync("one.example", "order.created");

        await harness.ProcessAsync(DirectJob(subscription.Id, harness.Clock.GetUtcNow()) with { Attempt = 2 });

        Assert.Equal("eventExpired", Assert.Single(harness.Log.Attempts).Error);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 6)]
    [InlineData(50, 100)]
    [InlineData(70, 120)]
    [InlineData(119, 120)]
    public void The_wait_doubles_from_a_second_and_the_last_look_is_at_the_end_of_the_grace(int secondsWaited, int looksAgainAtSecond)
    {
        var queuedAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var job = DirectJob("sub-1", queuedAt);

        Assert.Equal(queuedAt.AddSeconds(looksAgainAtSecond), DirectPublishDeadlines.LookAgainAt(job, queuedAt.AddSeconds(secondsWaited)));
    }

    [Fact]
    public void No_look_again_once_the_grace_is_over_or_for_other_jobs()
    {
        var queuedAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Null(DirectPublishDeadlines.LookAgainAt(DirectJob("sub-1", queuedAt), queuedAt + DirectPublishDeadlines.Grace));
        Assert.Null(DirectPublishDeadlines.LookAgainAt(DirectJob("sub-1", queuedAt) with { Attempt = 2 }, queuedAt));
        Assert.Null(DirectPublishDeadlines.LookAgainAt(DirectJob("sub-1", queuedAt) with { QueuedBeforeEventAt = null }, queuedAt));
    }

    private static DeliveryJob DirectJob(string subscriptionId, DateTimeOffset queuedAt, string eventId = "evt-never-stored") =>
        new(eventId, "order.created", [subscriptionId], Attempt: 1, TraceParent: null, QueuedBeforeEventAt: queuedAt);
}
