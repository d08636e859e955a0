using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery.EndpointHealth;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Telemetry;

namespace WebhookFunctions.Engine.Delivery;

/// <summary>
/// A delivery job's life: load the event → for each subscription: load it → admit (circuit, concurrency) → sign →
/// send → classify → decide (done / retry at T / dead-letter with a reason) → record every attempt → settle the
/// message once. Retries are durably scheduled before the message is settled: a crash in between may duplicate,
/// never lose.
/// </summary>
public sealed class DeliveryProcessor(
    IEventStore events,
    SubscriptionDirectory subscriptions,
    ISubscriptionStore subscriptionStore,
    WebhookSender sender,
    EndpointHealthTracker endpointHealth,
    IDeliveryQueue deliveryQueue,
    IDeliveryLog deliveryLog,
    IOptions<DeliveryOptions> options,
    IOptions<EndpointHealthOptions> healthOptions,
    TimeProvider timeProvider,
    ILogger<DeliveryProcessor> logger)
{
    /// <summary>How many subscriptions of one batched job are sent to at once.</summary>
    private const int ParallelTargetsPerJob = 8;

    public async Task ProcessAsync(DeliveryJob job, IDeliverySettlement settlement, CancellationToken cancellationToken)
    {
        var webhookEvent = await events.GetAsync(job.EventId, cancellationToken);
        if (webhookEvent is null)
        {
            logger.LogError("Event {EventId} of a delivery job is not in the event store; the job is dropped", job.EventId);
            var now = timeProvider.GetUtcNow();
            await deliveryLog.AppendAsync(job.SubscriptionIds.Select(id => Skipped(job, id, now, "eventNotFound")).ToList(), cancellationToken);
            await settlement.CompleteAsync(cancellationToken);
            return;
        }

        var body = EventEnvelope.Serialize(webhookEvent);
        var attempts = new ConcurrentBag<DeliveryAttempt>();
        var deferred = new ConcurrentBag<(string SubscriptionId, DateTimeOffset RetryAt)>();
        if (job.SubscriptionIds is [var onlySubscriptionId])
        {
            // The common shape (every retry, every Service Bus job): no parallel loop to set up for one target.
            if (await DeliverToAsync(job, onlySubscriptionId, webhookEvent, body, settlement, deferred, cancellationToken) is { } attempt)
            {
                attempts.Add(attempt);
            }
        }
        else
        {
            await Parallel.ForEachAsync(
                job.SubscriptionIds,
                new ParallelOptions { MaxDegreeOfParallelism = ParallelTargetsPerJob, CancellationToken = cancellationToken },
                async (subscriptionId, token) =>
                {
                    if (await DeliverToAsync(job, subscriptionId, webhookEvent, body, settlement, deferred, token) is { } attempt)
                    {
                        attempts.Add(attempt);
                    }
                });
        }

        if (!deferred.IsEmpty)
        {
            // One message for every target of this job that its endpoint could not take now, not one each: a broken
            // endpoint must not multiply the queue traffic that every other endpoint shares.
            var retryAt = deferred.Max(d => d.RetryAt);
            await deliveryQueue.ScheduleAsync(
                job with { SubscriptionIds = deferred.Select(d => d.SubscriptionId).ToList(), DueAt = retryAt, FirstAttemptAt = job.FirstAttemptAt ?? timeProvider.GetUtcNow() },
                retryAt,
                cancellationToken);
        }

        await deliveryLog.AppendAsync(attempts.ToList(), cancellationToken);
        await settlement.CompleteAsync(cancellationToken);
    }

    /// <returns>The attempt to log, or null when the attempt was deferred without being made.</returns>
    private async Task<DeliveryAttempt?> DeliverToAsync(
        DeliveryJob job,
        string subscriptionId,
        WebhookEvent webhookEvent,
        byte[] body,
        IDeliverySettlement settlement,
        ConcurrentBag<(string SubscriptionId, DateTimeOffset RetryAt)> deferred,
        CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope("Event {EventId} to subscription {SubscriptionId}, attempt {Attempt}", job.EventId, subscriptionId, job.Attempt);
        var now = timeProvider.GetUtcNow();
        var subscription = await subscriptions.FindAsync(subscriptionId, cancellationToken);
        if (subscription is null)
        {
            logger.LogInformation("Subscription deleted; delivery skipped");
            return Record(Skipped(job, subscriptionId, now, "subscriptionDeleted"));
        }

        var firstAttemptAt = job.FirstAttemptAt ?? now;
        if (subscription.Status == SubscriptionStatus.Disabled)
        {
            await settlement.DeadLetterAsync(
                DeadLetterOf(job, subscriptionId, DeadLetterReason.SubscriptionDisabled, $"The subscription is disabled ({subscription.DisabledReason}); replay after enabling it.", firstAttemptAt, now, attempts: job.Attempt - 1),
                cancellationToken);
            logger.LogInformation("Subscription disabled; delivery skipped and parked as a dead letter");
            return Record(Skipped(job, subscriptionId, now, "subscriptionDisabled"));
        }

        var admission = endpointHealth.TryAdmit(subscriptionId);
        if (!admission.Admitted)
        {
            // Not an attempt: the same attempt number comes back when the endpoint can take it.
            deferred.Add((subscriptionId, admission.RetryAt));
            logger.LogDebug("Deferred to {RetryAt}: {Why}", admission.RetryAt, admission.Why);
            return null;
        }

        SendResult result;
        using (var activity = WebhookTelemetry.Start("deliver", ActivityKind.Client, job.TraceParent))
        {
            activity?.SetTag("webhook.event.id", job.EventId);
            activity?.SetTag("webhook.subscription.id", subscriptionId);
            activity?.SetTag("webhook.attempt", job.Attempt);
            try
            {
                var request = new WebhookRequest(subscription.Url, body, WebhookHeaders.For(webhookEvent, subscription, body, now, activity?.Id ?? job.TraceParent));
                result = await sender.SendAsync(request, cancellationToken);
            }
            catch
            {
                endpointHealth.Release(subscriptionId, EndpointSignal.Failure, TimeSpan.Zero);
                throw;
            }

            activity?.SetTag("http.response.status_code", result.StatusCode);
        }

        var classification = OutcomeClassifier.Classify(result);
        endpointHealth.Release(subscriptionId, SignalOf(result, classification), result.Duration);
        WebhookTelemetry.AttemptDuration.Record(result.Duration.TotalMilliseconds);

        if (classification.Kind == OutcomeKind.Delivered)
        {
            if (subscription.FailingSince is not null)
            {
                await SetFailingSinceAsync(subscriptionId, null, cancellationToken);
            }

            logger.LogInformation("Delivered with status {StatusCode}", result.StatusCode);
            return Record(AttemptOf(job, subscriptionId, now, result, AttemptOutcome.Delivered, nextAttemptAt: null));
        }

        if (subscription.FailingSince is null)
        {
            await SetFailingSinceAsync(subscriptionId, now, cancellationToken);
        }

        if (classification.Kind == OutcomeKind.Retry)
        {
            if (subscription.FailingSince is { } failingSince && now - failingSince >= healthOptions.Value.DisableAfterFailingFor)
            {
                await DisableAsync(subscriptionId, DisabledReason.FailingTooLong, cancellationToken);
                await settlement.DeadLetterAsync(
                    DeadLetterOf(job, subscriptionId, DeadLetterReason.SubscriptionDisabled, $"The endpoint has failed since {failingSince:u}; the subscription was disabled (failingTooLong). Last: {Describe(result)}.", firstAttemptAt, now, job.Attempt, result),
                    cancellationToken);
                logger.LogWarning("Failing since {FailingSince}; subscription disabled as failingTooLong", failingSince);
                return Record(AttemptOf(job, subscriptionId, now, result, AttemptOutcome.DeadLettered, nextAttemptAt: null));
            }

            var settings = options.Value;
            var next = RetrySchedule.NextAttemptAt(settings.RetrySchedule.ToList(), settings.Jitter, job.Attempt, timeProvider.GetUtcNow(), result.RetryAfter, Random.Shared);
            if (next is { } dueAt)
            {
                var retry = job with
                {
                    SubscriptionIds = [subscriptionId],
                    Attempt = job.Attempt + 1,
                    DueAt = dueAt,
                    FirstAttemptAt = firstAttemptAt,
                    LastStatusCode = result.StatusCode,
                    LastError = result.Error,
                };
                await deliveryQueue.ScheduleAsync(retry, dueAt, cancellationToken);
                logger.LogWarning("Attempt failed ({Failure}); next attempt at {NextAttemptAt}", Describe(result), dueAt);
                return Record(AttemptOf(job, subscriptionId, now, result, AttemptOutcome.Failed, dueAt));
            }

            await settlement.DeadLetterAsync(
                DeadLetterOf(job, subscriptionId, DeadLetterReason.MaxAttemptsExceeded, $"Gave up after {job.Attempt} attempts; the last ended with {Describe(result)}.", firstAttemptAt, now, job.Attempt, result),
                cancellationToken);
            logger.LogWarning("Attempt failed ({Failure}); attempts used up, dead-lettered", Describe(result));
            return Record(AttemptOf(job, subscriptionId, now, result, AttemptOutcome.DeadLettered, nextAttemptAt: null));
        }

        var reason = classification.Reason ?? DeadLetterReason.MaxAttemptsExceeded;
        if (classification.DisablesSubscription)
        {
            await DisableAsync(subscriptionId, DisabledReason.EndpointGone, cancellationToken);
        }

        await settlement.DeadLetterAsync(
            DeadLetterOf(job, subscriptionId, reason, TerminalDescription(reason, result), firstAttemptAt, now, job.Attempt, result),
            cancellationToken);
        logger.LogWarning("Attempt ended terminally ({Failure}); dead-lettered as {Reason}", Describe(result), reason);
        return Record(AttemptOf(job, subscriptionId, now, result, AttemptOutcome.DeadLettered, nextAttemptAt: null));
    }

    private async Task DisableAsync(string subscriptionId, DisabledReason reason, CancellationToken cancellationToken)
    {
        var disabled = await subscriptionStore.UpdateWithRetryAsync(
            subscriptionId,
            current => current.Status == SubscriptionStatus.Disabled
                ? null
                : current with { Status = SubscriptionStatus.Disabled, DisabledReason = reason, UpdatedAt = timeProvider.GetUtcNow() },
            cancellationToken);
        if (disabled is not null)
        {
            subscriptions.Invalidate();
            logger.LogWarning("Subscription {SubscriptionId} disabled: {DisabledReason}", subscriptionId, reason);
        }
    }

    // Written only when the endpoint changes between healthy and failing, not on every attempt.
    private async Task SetFailingSinceAsync(string subscriptionId, DateTimeOffset? failingSince, CancellationToken cancellationToken)
    {
        var changed = await subscriptionStore.UpdateWithRetryAsync(
            subscriptionId,
            current => (current.FailingSince is null) == (failingSince is null) ? null : current with { FailingSince = failingSince },
            cancellationToken);
        if (changed is not null)
        {
            subscriptions.Invalidate();
        }
    }

    private static EndpointSignal SignalOf(SendResult result, Classification classification) => classification switch
    {
        { Kind: OutcomeKind.Delivered } or { Reason: DeadLetterReason.PayloadRejected } => EndpointSignal.Success,
        _ when result.StatusCode is 429 or 503 || result.Error == SendErrors.Timeout => EndpointSignal.Overload,
        _ => EndpointSignal.Failure,
    };

    private static DeliveryAttempt Record(DeliveryAttempt attempt)
    {
        WebhookTelemetry.Attempts.Add(1, new KeyValuePair<string, object?>("outcome", attempt.Outcome.ToString()));
        return attempt;
    }

    private static DeliveryAttempt Skipped(DeliveryJob job, string subscriptionId, DateTimeOffset now, string why) =>
        new(job.EventId, subscriptionId, job.Attempt, now, 0, AttemptOutcome.Skipped, null, why, null, null);

    private static DeliveryAttempt AttemptOf(DeliveryJob job, string subscriptionId, DateTimeOffset at, SendResult result, AttemptOutcome outcome, DateTimeOffset? nextAttemptAt) =>
        new(job.EventId, subscriptionId, job.Attempt, at, (long)result.Duration.TotalMilliseconds, outcome, result.StatusCode, result.Error, result.ResponseBody, nextAttemptAt);

    private static DeadLetter DeadLetterOf(
        DeliveryJob job, string subscriptionId, DeadLetterReason reason, string description, DateTimeOffset firstAttemptAt, DateTimeOffset lastAttemptAt, int attempts, SendResult? result = null) =>
        new(job.EventId, subscriptionId, job.EventType, reason, description, attempts, firstAttemptAt, lastAttemptAt,
            result?.StatusCode ?? job.LastStatusCode, result?.Error ?? job.LastError, job.TraceParent);

    private static string Describe(SendResult result) =>
        result.StatusCode is { } status ? $"HTTP {status}" : result.Error ?? "no response";

    private static string TerminalDescription(DeadLetterReason reason, SendResult result) => reason switch
    {
        DeadLetterReason.EndpointGone => "The endpoint answered 410 Gone; the subscription was disabled (endpointGone).",
        DeadLetterReason.PayloadRejected => "The endpoint answered 413 Payload Too Large; retrying the same body cannot succeed.",
        DeadLetterReason.DestinationBlocked => $"The egress guard refused the destination address ({result.Error}).",
        _ => $"Terminal failure: {Describe(result)}.",
    };
}
