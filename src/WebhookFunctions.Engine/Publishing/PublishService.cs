using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Telemetry;

namespace WebhookFunctions.Engine.Publishing;

/// <summary>
/// Accepts an event: validate, dedupe (client id or Idempotency-Key), store, then put a notice on the events queue;
/// or, where the transport allows and the recipients fit in one job, queue that job and store the event
/// (<see cref="DirectDeliveryRoute"/>). The 202 is only answered once the notice or the job is durably queued, so an
/// accepted event is never lost. Deduplication
/// follows the IETF draft "The Idempotency-Key HTTP Header Field": a repeat with the same request answers the
/// original response; with a different request, 422; while the first is still being answered here, 409.
/// </summary>
public sealed class PublishService(
    IEventStore events,
    IIdempotencyStore idempotencyKeys,
    IEventQueue eventQueue,
    DirectDeliveryRoute directRoute,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    ILogger<PublishService> logger)
{
    // Keys and client ids whose first request this process is still answering. Another instance answering the same
    // key concurrently is not seen here; it completes the same event under the same id, so nothing is duplicated.
    private readonly ConcurrentDictionary<string, byte> inFlight = new(StringComparer.Ordinal);

    public async Task<Result<PublishReceipt>> PublishAsync(PublishCommand command, CancellationToken cancellationToken)
    {
        var errors = PublishRules.Validate(command);
        if (errors.Count > 0)
        {
            return OperationError.Invalid(errors);
        }

        var claim = command.IdempotencyKey is { } idempotencyKey ? "key:" + idempotencyKey : command.Id is { } clientId ? "id:" + clientId : null;
        if (claim is not null && !inFlight.TryAdd(claim, 0))
        {
            return OperationError.StillInFlight(DedupeName(command));
        }

        try
        {
            return await AcceptAsync(command, cancellationToken);
        }
        finally
        {
            if (claim is not null)
            {
                inFlight.TryRemove(claim, out _);
            }
        }
    }

    /// <summary>
    /// Publishes an event the service raises itself (a reserved type, so no publish rules apply). Its id is derived
    /// from what it reports: an event already stored is not stored again, and its notice is queued only if it was not.
    /// </summary>
    public async Task PublishOwnAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        if (await events.TryAddAsync(webhookEvent, cancellationToken))
        {
            await QueueNoticeAsync(webhookEvent, cancellationToken);
            logger.LogInformation("Raised event {EventId} of type {EventType}", webhookEvent.Id, webhookEvent.Type);
        }
        else if (await events.GetAsync(webhookEvent.Id, cancellationToken) is { NoticeQueued: false } stored)
        {
            await QueueNoticeAsync(stored, cancellationToken);
        }
    }

    private async Task<Result<PublishReceipt>> AcceptAsync(PublishCommand command, CancellationToken cancellationToken)
    {
        using var activity = WebhookTelemetry.Start("publish", ActivityKind.Producer, command.TraceParent);
        var now = timeProvider.GetUtcNow();
        var eventId = command.Id ?? Ids.NewEventId();

        if (command.IdempotencyKey is { } key)
        {
            var firstEventId = await idempotencyKeys.TryRecordAsync(key, eventId, now, options.Value.IdempotencyWindow, cancellationToken);
            if (firstEventId is not null)
            {
                if (await events.GetAsync(firstEventId, cancellationToken) is { } earlier)
                {
                    return await AlreadyAcceptedAsync(earlier, command, cancellationToken);
                }

                // The key was recorded by a request that failed before storing its event: finish that publish now.
                eventId = firstEventId;
            }
        }

        var webhookEvent = new WebhookEvent(
            eventId,
            command.Type!,
            Timestamps.Truncate(command.Time?.ToUniversalTime() ?? now),
            command.Subject,
            command.Source,
            command.Data,
            activity?.Id ?? command.TraceParent,
            TenantId: command.TenantId,
            AcceptedAt: now);

        var storedDirect = directRoute.IsAvailable ? await directRoute.TryStoreAsync(webhookEvent, cancellationToken) : null;
        var added = storedDirect ?? await events.TryAddAsync(webhookEvent, cancellationToken);
        if (!added && await events.GetAsync(eventId, cancellationToken) is { } existing)
        {
            return await AlreadyAcceptedAsync(existing, command, cancellationToken);
        }

        if (storedDirect is null)
        {
            await QueueNoticeAsync(webhookEvent, cancellationToken);
        }

        WebhookTelemetry.EventsPublished.Add(1, new KeyValuePair<string, object?>("event.type", webhookEvent.Type));
        logger.LogInformation("Accepted event {EventId} of type {EventType}", webhookEvent.Id, webhookEvent.Type);
        return Result<PublishReceipt>.Success(new PublishReceipt(webhookEvent.Id, webhookEvent.Type, webhookEvent.Timestamp, AlreadyAccepted: false));
    }

    /// <summary>
    /// A repeated publish answers with the first event. If the first request stored it but died before its notice
    /// was queued (the client saw no 202 and retried), the notice is queued now, so the event is not silently dropped.
    /// </summary>
    private async Task<Result<PublishReceipt>> AlreadyAcceptedAsync(WebhookEvent earlier, PublishCommand repeat, CancellationToken cancellationToken)
    {
        if (!IsSameRequest(earlier, repeat))
        {
            logger.LogInformation("{Dedupe} of event {EventId} reused for a different request; refused", DedupeName(repeat), earlier.Id);
            return OperationError.ReusedForDifferentRequest(DedupeName(repeat), earlier.Id);
        }

        if (!earlier.NoticeQueued)
        {
            logger.LogWarning("Event {EventId} was stored without its notice queued; queueing it now", earlier.Id);
            await QueueNoticeAsync(earlier, cancellationToken);
        }

        return Result<PublishReceipt>.Success(new PublishReceipt(earlier.Id, earlier.Type, earlier.Timestamp, AlreadyAccepted: true));
    }

    /// <summary>The request's content as stored: type, subject, source, tenant, explicit time and the data bytes.</summary>
    private static bool IsSameRequest(WebhookEvent earlier, PublishCommand repeat) =>
        string.Equals(earlier.Type, repeat.Type, StringComparison.Ordinal)
        && string.Equals(earlier.Subject, repeat.Subject, StringComparison.Ordinal)
        && string.Equals(earlier.Source, repeat.Source, StringComparison.Ordinal)
        && string.Equals(earlier.TenantId, repeat.TenantId, StringComparison.Ordinal)
        && (repeat.Time is null || Timestamps.Truncate(repeat.Time.Value.ToUniversalTime()) == earlier.Timestamp)
        && earlier.Data.Span.SequenceEqual(repeat.Data.Span);

    private static string DedupeName(PublishCommand command) => command.IdempotencyKey is not null ? "Idempotency-Key" : "event id";

    private async Task QueueNoticeAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        await eventQueue.SendAsync(new EventNotice(webhookEvent.Id, webhookEvent.Type, webhookEvent.TraceParent, webhookEvent.TenantId), cancellationToken);
        await events.MarkNoticeQueuedAsync(webhookEvent.Id, cancellationToken);
    }
}
