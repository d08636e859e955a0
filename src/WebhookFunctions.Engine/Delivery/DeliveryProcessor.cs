using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery.Decisions;
using WebhookFunctions.Engine.Delivery.EndpointHealth;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.OperationalEvents;
using WebhookFunctions.Engine.Publishing;
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
    CachingSubscriptionStore subscriptions,
    WebhookSender sender,
    EndpointHealthTracker endpointHealth,
    IDeliveryQueue deliveryQueue,
    IDeliveryLog deliveryLog,
    OperationalEventPublisher operationalEvents,
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
        if (webhookEvent is null && DirectPublishDeadlines.IsQueuedBeforeEvent(job))
        {
            await EndWithoutEventAsync(job, settlement, cancellationToken);
            return;
        }

        if (webhookEvent is null)
        {
            logger.LogWarning("Event {EventId} of a delivery job is past its retention or gone; the job ends as {Reason}", job.EventId, SkipReasons.EventExpired);
            var now = timeProvider.GetUtcNow();
            await deliveryLog.AppendAsync(job.SubscriptionIds.Select(id => Record(Skipped(job, id, now, SkipReasons.EventExpired))).ToList(), cancellationToken);
            await settlement.SettleAsync(cancellationToken);
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
                job with { SubscriptionIds = deferred.Select(d => d.SubscriptionId).ToList(), DueAt = retryAt, FirstAttemptAt = job.FirstAttemptAt ?? timeProvider.GetUtcNow(), QueuedBeforeEventAt = null },
                retryAt,
                cancellationToken);
        }

        await deliveryLog.AppendAsync(
            attempts.Select(a => a with { EventAcceptedAt = webhookEvent.AcceptedAt, ToSoleRecipient = a.SubscriptionId == webhookEvent.SoleRecipient }).ToList(),
            cancellationToken);
        await settlement.SettleAsync(cancellationToken);
    }

    /// <summary>
    /// A direct publish queues its job before it stores the event. Within the grace the event may still be on its way
    /// (the job is looked at again when the grace ends); after it, the publish never completed and its client got no
    /// 202, so the job ends with nothing logged: there is no event to log it under.
    /// </summary>
    private async Task EndWithoutEventAsync(DeliveryJob job, IDeliverySettlement settlement, CancellationToken cancellationToken)
    {
        if (DirectPublishDeadlines.LookAgainAt(job, timeProvider.GetUtcNow()) is { } lookAgainAt)
        {
            logger.LogInformation("Event {EventId} of a direct delivery job is not stored yet; looking again at {LookAgainAt}", job.EventId, lookAgainAt);
            await deliveryQueue.ScheduleAsync(job with { DueAt = lookAgainAt }, lookAgainAt, cancellationToken);
        }
        else
        {
            logger.LogWarning("Event {EventId} of a direct delivery job was never stored: its publish did not complete; the job ends", job.EventId);
            WebhookTelemetry.AbandonedPublishes.Add(1);
        }

        await settlement.SettleAsync(cancellationToken);
    }

    /// <summary>Gather (subscription, admission, the attempt itself), decide, carry out.</summary>
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
        var aboutIt = OperationalEventTypes.IsAbout(webhookEvent, subscriptionId);
        var admission = subscription is { Status: SubscriptionStatus.Enabled } && !aboutIt ? endpointHealth.TryAdmit(subscriptionId) : Admission.Now;
        switch (DeliveryDecision.BeforeAttempt(subscription, admission, aboutIt))
        {
            case DeliveryOutcome.Skipped skipped:
                logger.LogInformation("Delivery skipped: {Why}", skipped.Why);
                return Record(Skipped(job, subscriptionId, now, skipped.Why));
            case DeliveryOutcome.DeadLetter parked:
                var parkedLetter = DeadLetterOf(job, subscriptionId, parked, now, attempts: job.Attempt - 1);
                await settlement.RecordDeadLetterAsync(parkedLetter, cancellationToken);
                logger.LogInformation("Subscription disabled; delivery skipped and parked as a dead letter");
                await operationalEvents.DeadLetteredAsync(subscription!, parkedLetter, cancellationToken);
                return Record(Skipped(job, subscriptionId, now, SkipReasons.SubscriptionDisabled));
            case DeliveryOutcome.Deferred later:
                // Not an attempt: the same attempt number comes back when the endpoint can take it.
                deferred.Add((subscriptionId, later.Until));
                logger.LogDebug("Deferred to {RetryAt}: {Why}", later.Until, later.Why);
                return null;
        }

        var result = await AttemptAsync(job, subscription!, webhookEvent, body, now, cancellationToken);
        var outcome = DeliveryDecision.AfterAttempt(result, subscription!, job, timeProvider.GetUtcNow(), options.Value, healthOptions.Value, Random.Shared);
        return await CarryOutAsync(outcome, job, subscription!, now, result, settlement, cancellationToken);
    }

    /// <summary>Signs and sends one attempt, reporting its result to the endpoint's health.</summary>
    private async Task<SendResult> AttemptAsync(DeliveryJob job, Subscription subscription, WebhookEvent webhookEvent, byte[] body, DateTimeOffset now, CancellationToken cancellationToken)
    {
        SendResult result;
        using (var activity = WebhookTelemetry.Start("deliver", ActivityKind.Client, job.TraceParent))
        {
            activity?.SetTag("webhook.event.id", job.EventId);
            activity?.SetTag("webhook.subscription.id", subscription.Id);
            activity?.SetTag("webhook.attempt", job.Attempt);
            try
            {
                var request = new WebhookRequest(subscription.Url, body, WebhookHeaders.For(webhookEvent, subscription, body, now, activity?.Id ?? job.TraceParent));
                result = await sender.SendAsync(request, cancellationToken);
            }
            catch
            {
                endpointHealth.Release(subscription.Id, EndpointSignal.Failure, TimeSpan.Zero);
                throw;
            }

            activity?.SetTag("http.response.status_code", result.StatusCode);
        }

        endpointHealth.Release(subscription.Id, SignalOf(result), result.Duration);
        WebhookTelemetry.AttemptDuration.Record(result.Duration.TotalMilliseconds);
        return result;
    }

    /// <summary>Makes the decision after an attempt durable: the failing-since mark, a scheduled retry, or a dead letter (and a disable).</summary>
    private async Task<DeliveryAttempt> CarryOutAsync(
        DeliveryOutcome outcome, DeliveryJob job, Subscription subscription, DateTimeOffset now, SendResult result, IDeliverySettlement settlement, CancellationToken cancellationToken)
    {
        var failingSince = DeliveryDecision.FailingSinceAfter(subscription.FailingSince, outcome, now);
        if (failingSince != subscription.FailingSince)
        {
            await SetFailingSinceAsync(subscription, failingSince, job.EventId, result, cancellationToken);
        }

        switch (outcome)
        {
            case DeliveryOutcome.Delivered:
                logger.LogInformation("Delivered with status {StatusCode}", result.StatusCode);
                return Record(AttemptOf(job, subscription.Id, now, result, AttemptOutcome.Delivered, nextAttemptAt: null));
            case DeliveryOutcome.Retry retry:
                await deliveryQueue.ScheduleAsync(RetryOf(job, subscription.Id, retry.At, now, result), retry.At, cancellationToken);
                logger.LogWarning("Attempt failed ({Failure}); next attempt at {NextAttemptAt}", DeliveryDecision.Describe(result), retry.At);
                return Record(AttemptOf(job, subscription.Id, now, result, AttemptOutcome.Failed, retry.At));
            case DeliveryOutcome.DeadLetter deadLetter:
                if (deadLetter.Disables is { } disabledReason)
                {
                    await DisableAsync(subscription.Id, disabledReason, job.EventId, cancellationToken);
                }

                var letter = DeadLetterOf(job, subscription.Id, deadLetter, now, job.Attempt, result);
                await settlement.RecordDeadLetterAsync(letter, cancellationToken);
                logger.LogWarning("Attempt failed ({Failure}); dead-lettered as {Reason}", DeliveryDecision.Describe(result), deadLetter.Reason);
                await operationalEvents.DeadLetteredAsync(subscription, letter, cancellationToken);
                return Record(AttemptOf(job, subscription.Id, now, result, AttemptOutcome.DeadLettered, nextAttemptAt: null));
            default:
                throw new InvalidOperationException($"An attempt cannot end as {outcome}.");
        }
    }

    private static DeliveryJob RetryOf(DeliveryJob job, string subscriptionId, DateTimeOffset dueAt, DateTimeOffset now, SendResult result) => job with
    {
        SubscriptionIds = [subscriptionId],
        Attempt = job.Attempt + 1,
        DueAt = dueAt,
        FirstAttemptAt = job.FirstAttemptAt ?? now,
        LastStatusCode = result.StatusCode,
        LastError = result.Error,
    };

    private async Task DisableAsync(string subscriptionId, DisabledReason reason, string eventId, CancellationToken cancellationToken)
    {
        var disabled = await subscriptions.UpdateWithRetryAsync(
            subscriptionId,
            current => current.Status == SubscriptionStatus.Disabled
                ? null
                : current with { Status = SubscriptionStatus.Disabled, DisabledReason = reason, UpdatedAt = timeProvider.GetUtcNow() },
            cancellationToken);
        if (disabled is not null)
        {
            logger.LogWarning("Subscription {SubscriptionId} disabled: {DisabledReason}", subscriptionId, reason);
            await operationalEvents.EndpointDisabledAsync(disabled, eventId, cancellationToken);
        }
    }

    // Written only when the endpoint changes between healthy and failing, not on every attempt. Only the writer that
    // made the change raises its event, so a failing period is announced once, however many instances see it begin.
    private async Task SetFailingSinceAsync(Subscription subscription, DateTimeOffset? failingSince, string eventId, SendResult result, CancellationToken cancellationToken)
    {
        DateTimeOffset? endedPeriod = null;
        var changed = await subscriptions.UpdateWithRetryAsync(
            subscription.Id,
            current =>
            {
                endedPeriod = current.FailingSince;
                return (current.FailingSince is null) == (failingSince is null) ? null : current with { FailingSince = failingSince };
            },
            cancellationToken);
        if (changed is null)
        {
            return;
        }

        if (failingSince is { } since)
        {
            await operationalEvents.EndpointFailingAsync(changed, since, eventId, result.StatusCode, result.Error, cancellationToken);
        }
        else if (endedPeriod is { } ended)
        {
            await operationalEvents.EndpointRecoveredAsync(changed, ended, eventId, cancellationToken);
        }
    }

    private static EndpointSignal SignalOf(SendResult result) => OutcomeClassifier.Classify(result) switch
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

    private static DeadLetter DeadLetterOf(DeliveryJob job, string subscriptionId, DeliveryOutcome.DeadLetter outcome, DateTimeOffset now, int attempts, SendResult? result = null) =>
        new(job.EventId, subscriptionId, job.EventType, outcome.Reason, outcome.Description, attempts, job.FirstAttemptAt ?? now, now,
            result?.StatusCode ?? job.LastStatusCode, result?.Error ?? job.LastError, job.TraceParent, TenantId: job.TenantId);
}
