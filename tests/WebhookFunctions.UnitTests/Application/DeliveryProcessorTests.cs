using System.Net;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Application;

public sealed class DeliveryProcessorTests : IDisposable
{
    private readonly EngineHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task A_2xx_is_logged_as_delivered_and_the_message_completed_once()
    {
        var subscription = await harness.SubscribeAsync("ok.test", "order.*");
        var webhookEvent = await harness.StoreEventAsync();

        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], 1, null));

        var attempt = Assert.Single(harness.Log.Attempts);
        Assert.Equal(AttemptOutcome.Delivered, attempt.Outcome);
        Assert.Equal(200, attempt.StatusCode);
        Assert.Equal(1, harness.Transport.Completions);
        Assert.Empty(harness.Transport.Scheduled);
        Assert.Empty(harness.Transport.DeadLetters);
    }

    [Fact]
    public async Task The_request_carries_the_envelope_and_standard_webhooks_headers()
    {
        var subscription = await harness.SubscribeAsync("ok.test", "order.*");
        var webhookEvent = await harness.StoreEventAsync();

        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], 1, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

        var (request, body) = Assert.Single(harness.Receiver.Received);
        Assert.Equal(webhookEvent.Id, request.Headers.GetValues("webhook-id").Single());
        var timestamp = long.Parse(request.Headers.GetValues("webhook-timestamp").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(harness.Clock.GetUtcNow().ToUnixTimeSeconds(), timestamp);
        var expected = WebhookSigner.Sign(subscription.Secrets[0].Value, webhookEvent.Id, timestamp, body);
        Assert.Equal(expected, request.Headers.GetValues("webhook-signature").Single());
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", request.Headers.GetValues("traceparent").Single(), StringComparison.Ordinal);
        Assert.Equal(EventEnvelopeOf(webhookEvent), body);
    }

    [Fact]
    public async Task A_500_schedules_the_next_attempt_for_that_subscription_before_completing()
    {
        var subscription = await harness.SubscribeAsync("fails.test", "order.*");
        harness.Receiver.Answer("fails.test", HttpStatusCode.InternalServerError);
        var webhookEvent = await harness.StoreEventAsync();

        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], 1, null));

        var (retry, dueAt) = Assert.Single(harness.Transport.Scheduled);
        Assert.Equal(2, retry.Attempt);
        Assert.Equal([subscription.Id], retry.SubscriptionIds);
        Assert.Equal(500, retry.LastStatusCode);
        var delay = dueAt - harness.Clock.GetUtcNow();
        Assert.InRange(delay, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));
        // The notice is the endpoint's "failing" operational event, raised when its failing period begins.
        Assert.Equal(["notice", "schedule", "complete"], harness.Transport.Calls);
        var attempt = Assert.Single(harness.Log.Attempts);
        Assert.Equal(AttemptOutcome.Failed, attempt.Outcome);
        Assert.Equal(dueAt, attempt.NextAttemptAt);
    }

    [Fact]
    public async Task The_last_attempt_failing_dead_letters_with_max_attempts_exceeded()
    {
        var subscription = await harness.SubscribeAsync("fails.test", "order.*");
        harness.Receiver.Answer("fails.test", HttpStatusCode.ServiceUnavailable);
        var webhookEvent = await harness.StoreEventAsync();
        var attempts = harness.Options.Value.RetrySchedule.Count;

        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], attempts, null, FirstAttemptAt: harness.Clock.GetUtcNow().AddDays(-3)));

        var deadLetter = Assert.Single(harness.Transport.DeadLetters);
        Assert.Equal(DeadLetterReason.MaxAttemptsExceeded, deadLetter.Reason);
        Assert.Equal(attempts, deadLetter.Attempts);
        Assert.Equal(503, deadLetter.LastStatusCode);
        Assert.Equal(harness.Clock.GetUtcNow().AddDays(-3), deadLetter.FirstAttemptAt);
        Assert.Empty(harness.Transport.Scheduled);
        Assert.Equal(AttemptOutcome.DeadLettered, Assert.Single(harness.Log.Attempts).Outcome);
        // Notices: the endpoint's "failing" operational event, then the dead letter's.
        Assert.Equal(["notice", "deadLetter", "notice", "complete"], harness.Transport.Calls);
    }

    [Fact]
    public async Task A_410_disables_the_subscription_and_dead_letters_as_endpoint_gone()
    {
        var subscription = await harness.SubscribeAsync("gone.test", "order.*");
        harness.Receiver.Answer("gone.test", HttpStatusCode.Gone);
        var webhookEvent = await harness.StoreEventAsync();

        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], 1, null));

        Assert.Equal(DeadLetterReason.EndpointGone, Assert.Single(harness.Transport.DeadLetters).Reason);
        var stored = await harness.Subscriptions.GetAsync(subscription.Id, CancellationToken.None);
        Assert.Equal(SubscriptionStatus.Disabled, stored!.Status);
        Assert.Equal(DisabledReason.EndpointGone, stored.DisabledReason);
        Assert.Empty(harness.Transport.Scheduled);
    }

    [Fact]
    public async Task A_413_dead_letters_as_payload_rejected_without_retry()
    {
        var subscription = await harness.SubscribeAsync("small.test", "order.*");
        harness.Receiver.Answer("small.test", HttpStatusCode.RequestEntityTooLarge);
        var webhookEvent = await harness.StoreEventAsync();

        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], 1, null));

        Assert.Equal(DeadLetterReason.PayloadRejected, Assert.Single(harness.Transport.DeadLetters).Reason);
        Assert.Empty(harness.Transport.Scheduled);
    }

    [Fact]
    public async Task A_job_whose_event_has_expired_ends_as_skipped_event_expired_and_is_settled()
    {
        var subscription = await harness.SubscribeAsync("ok.test", "order.*");

        await harness.ProcessAsync(new DeliveryJob("evt-expired", "order.created", [subscription.Id], 3, null));

        var attempt = Assert.Single(harness.Log.Attempts);
        Assert.Equal((AttemptOutcome.Skipped, "eventExpired", 3), (attempt.Outcome, attempt.Error, attempt.Attempt));
        Assert.Null(attempt.EventAcceptedAt);
        Assert.Empty(harness.Receiver.Received);
        Assert.Empty(harness.Transport.DeadLetters);
        Assert.Empty(harness.Transport.Scheduled);
        Assert.Equal(1, harness.Transport.Completions);
    }

    [Fact]
    public async Task A_deleted_subscription_is_skipped_without_a_request()
    {
        var subscription = await harness.SubscribeAsync("ok.test", "order.*");
        var webhookEvent = await harness.StoreEventAsync();
        await harness.SubscriptionService.DeleteAsync(subscription.Id, CancellationToken.None);

        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], 1, null));

        var attempt = Assert.Single(harness.Log.Attempts);
        Assert.Equal(AttemptOutcome.Skipped, attempt.Outcome);
        Assert.Equal("subscriptionDeleted", attempt.Error);
        Assert.Empty(harness.Receiver.Received);
        Assert.Empty(harness.Transport.DeadLetters);
        Assert.Equal(1, harness.Transport.Completions);
    }

    [Fact]
    public async Task A_disabled_subscription_is_skipped_and_parked_for_replay()
    {
        var subscription = await harness.SubscribeAsync("ok.test", "order.*");
        var webhookEvent = await harness.StoreEventAsync();
        var disabled = await harness.SubscriptionService.UpdateAsync(subscription.Id, new SubscriptionPatch(Status: "disabled"), subscription.ETag, CancellationToken.None);
        Assert.True(disabled.Succeeded);

        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], 1, null));

        Assert.Equal("subscriptionDisabled", Assert.Single(harness.Log.Attempts).Error);
        Assert.Equal(DeadLetterReason.SubscriptionDisabled, Assert.Single(harness.Transport.DeadLetters).Reason);
        Assert.Empty(harness.Receiver.Received);
    }

    [Fact]
    public async Task In_a_batched_job_only_the_failing_subscription_is_rescheduled()
    {
        var healthy = await harness.SubscribeAsync("ok.test", "order.*");
        var other = await harness.SubscribeAsync("ok2.test", "order.*");
        var failing = await harness.SubscribeAsync("fails.test", "order.*");
        harness.Receiver.Answer("fails.test", HttpStatusCode.BadGateway);
        var webhookEvent = await harness.StoreEventAsync();

        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [healthy.Id, failing.Id, other.Id], 1, null));

        Assert.Equal([failing.Id], Assert.Single(harness.Transport.Scheduled).Job.SubscriptionIds);
        Assert.Equal(3, harness.Log.Attempts.Count);
        Assert.Equal(2, harness.Log.Attempts.Count(a => a.Outcome == AttemptOutcome.Delivered));
        Assert.Equal(1, harness.Transport.Completions);
        Assert.Equal("complete", harness.Transport.Calls.Last());
    }

    [Fact]
    public async Task Retry_after_on_a_429_pushes_the_next_attempt_out_within_twice_the_scheduled_delay()
    {
        var subscription = await harness.SubscribeAsync("busy.test", "order.*");
        harness.Receiver.Answer("busy.test", _ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.Add("Retry-After", "3600");
            return response;
        });
        var webhookEvent = await harness.StoreEventAsync();

        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], 2, null));

        var delay = Assert.Single(harness.Transport.Scheduled).DueAt - harness.Clock.GetUtcNow();
        Assert.InRange(delay, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(12));
    }

    [Fact]
    public async Task Both_secrets_sign_during_a_rotation()
    {
        var subscription = await harness.SubscribeAsync("ok.test", "order.*");
        var rotated = await harness.SubscriptionService.RotateSecretAsync(subscription.Id, CancellationToken.None);
        var webhookEvent = await harness.StoreEventAsync();

        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], 1, null));

        var (request, body) = Assert.Single(harness.Receiver.Received);
        var timestamp = long.Parse(request.Headers.GetValues("webhook-timestamp").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var signatures = request.Headers.GetValues("webhook-signature").Single().Split(' ');
        Assert.Equal(
            [WebhookSigner.Sign(rotated.Value!.Secret, webhookEvent.Id, timestamp, body), WebhookSigner.Sign(subscription.Secrets[0].Value, webhookEvent.Id, timestamp, body)],
            signatures);
    }

    private static byte[] EventEnvelopeOf(Engine.Events.WebhookEvent webhookEvent) => Engine.Events.EventEnvelope.Serialize(webhookEvent);
}

public sealed class DeliveryProcessorEndpointHealthTests
{
    [Fact]
    public async Task An_open_circuit_defers_the_job_without_a_request_or_an_attempt_used()
    {
        using var harness = new EngineHarness(configureHealth: o => o.FailureThreshold = 2);
        var subscription = await harness.SubscribeAsync("broken.test", "order.*");
        harness.Receiver.Answer("broken.test", HttpStatusCode.InternalServerError);
        for (var i = 0; i < 2; i++)
        {
            var failed = await harness.StoreEventAsync();
            await harness.ProcessAsync(new DeliveryJob(failed.Id, failed.Type, [subscription.Id], 1, null));
        }

        var webhookEvent = await harness.StoreEventAsync();
        var requestsBefore = harness.Receiver.Received.Count;
        var attemptsBefore = harness.Log.Attempts.Count;
        await harness.ProcessAsync(new DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], 3, null));

        Assert.Equal(requestsBefore, harness.Receiver.Received.Count);
        Assert.Equal(attemptsBefore, harness.Log.Attempts.Count);
        var (deferred, dueAt) = harness.Transport.Scheduled.Last();
        Assert.Equal(3, deferred.Attempt);
        Assert.True(dueAt >= harness.Clock.GetUtcNow() + harness.HealthOptions.Value.OpenDuration);
    }

    [Fact]
    public async Task A_subscription_failing_longer_than_the_limit_is_disabled_as_failing_too_long()
    {
        using var harness = new EngineHarness(configureHealth: o => o.DisableAfterFailingFor = TimeSpan.FromDays(5));
        var subscription = await harness.SubscribeAsync("broken.test", "order.*");
        harness.Receiver.Answer("broken.test", HttpStatusCode.InternalServerError);
        var first = await harness.StoreEventAsync();
        await harness.ProcessAsync(new DeliveryJob(first.Id, first.Type, [subscription.Id], 1, null));
        Assert.Equal(harness.Clock.GetUtcNow(), (await harness.Subscriptions.GetAsync(subscription.Id, CancellationToken.None))!.FailingSince);

        harness.Clock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1));
        var later = await harness.StoreEventAsync();
        await harness.ProcessAsync(new DeliveryJob(later.Id, later.Type, [subscription.Id], 1, null));

        var stored = (await harness.Subscriptions.GetAsync(subscription.Id, CancellationToken.None))!;
        Assert.Equal((SubscriptionStatus.Disabled, DisabledReason.FailingTooLong), (stored.Status, stored.DisabledReason));
        Assert.Equal(DeadLetterReason.SubscriptionDisabled, harness.Transport.DeadLetters.Last().Reason);
    }

    [Fact]
    public async Task A_success_clears_the_failing_mark()
    {
        using var harness = new EngineHarness();
        var subscription = await harness.SubscribeAsync("flaky.test", "order.*");
        harness.Receiver.Answer("flaky.test", HttpStatusCode.InternalServerError);
        var first = await harness.StoreEventAsync();
        await harness.ProcessAsync(new DeliveryJob(first.Id, first.Type, [subscription.Id], 1, null));
        harness.Receiver.Answer("flaky.test", HttpStatusCode.OK);

        var second = await harness.StoreEventAsync();
        await harness.ProcessAsync(new DeliveryJob(second.Id, second.Type, [subscription.Id], 1, null));

        Assert.Null((await harness.Subscriptions.GetAsync(subscription.Id, CancellationToken.None))!.FailingSince);
    }
}

public sealed class DeliveryProcessorDeferralTests
{
    [Fact]
    public async Task Targets_whose_circuits_are_open_leave_in_one_scheduled_message_before_completion()
    {
        using var harness = new EngineHarness(configureHealth: o => o.FailureThreshold = 1);
        var healthy = await harness.SubscribeAsync("ok.test", "order.*");
        var brokenA = await harness.SubscribeAsync("broken-a.test", "order.*");
        var brokenB = await harness.SubscribeAsync("broken-b.test", "order.*");
        harness.Receiver.Answer("broken-a.test", HttpStatusCode.InternalServerError);
        harness.Receiver.Answer("broken-b.test", HttpStatusCode.InternalServerError);
        var first = await harness.StoreEventAsync();
        await harness.ProcessAsync(new DeliveryJob(first.Id, first.Type, [brokenA.Id, brokenB.Id], 1, null));
        while (harness.Transport.Scheduled.TryDequeue(out _))
        {
        }

        harness.Transport.Calls.Clear();
        var next = await harness.StoreEventAsync();
        await harness.ProcessAsync(new DeliveryJob(next.Id, next.Type, [healthy.Id, brokenA.Id, brokenB.Id], 1, null));

        var (deferred, _) = Assert.Single(harness.Transport.Scheduled);
        Assert.Equal(new[] { brokenA.Id, brokenB.Id }.Order(StringComparer.Ordinal), deferred.SubscriptionIds.Order(StringComparer.Ordinal));
        Assert.Equal(1, deferred.Attempt);
        Assert.Equal(["schedule", "complete"], harness.Transport.Calls);
        Assert.Equal(healthy.Id, Assert.Single(harness.Log.Attempts, a => a.EventId == next.Id).SubscriptionId);
    }
}
