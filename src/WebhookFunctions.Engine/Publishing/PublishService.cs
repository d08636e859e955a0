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
/// Accepts an event: validate, dedupe (client id or Idempotency-Key), store, then put a notice on the events queue.
/// The 202 is only answered after the notice is durably queued, so an accepted event is never lost.
/// </summary>
public sealed class PublishService(
    IEventStore events,
    IIdempotencyStore idempotencyKeys,
    IEventQueue eventQueue,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    ILogger<PublishService> logger)
{
    public async Task<Result<PublishReceipt>> PublishAsync(PublishCommand command, CancellationToken cancellationToken)
    {
        var errors = PublishRules.Validate(command);
        if (errors.Count > 0)
        {
            return OperationError.Invalid(errors);
        }

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
                    return await AlreadyAcceptedAsync(earlier, cancellationToken);
                }

                // The key was recorded by a request that failed before storing its event: finish that publish now.
                eventId = firstEventId;
            }
        }

        var webhookEvent = new WebhookEvent(
            eventId,
            command.Type!,
            ToMilliseconds(command.Time?.ToUniversalTime() ?? now),
            command.Subject,
            command.Source,
            command.Data,
            activity?.Id ?? command.TraceParent);

        if (!await events.TryAddAsync(webhookEvent, cancellationToken) && await events.GetAsync(eventId, cancellationToken) is { } existing)
        {
            return await AlreadyAcceptedAsync(existing, cancellationToken);
        }

        await QueueNoticeAsync(webhookEvent, cancellationToken);
        WebhookTelemetry.EventsPublished.Add(1, new KeyValuePair<string, object?>("event.type", webhookEvent.Type));
        logger.LogInformation("Accepted event {EventId} of type {EventType}", webhookEvent.Id, webhookEvent.Type);
        return Result<PublishReceipt>.Success(new PublishReceipt(webhookEvent.Id, webhookEvent.Type, webhookEvent.Timestamp, AlreadyAccepted: false));
    }

    /// <summary>
    /// A repeated publish answers with the first event. If the first request stored it but died before its notice
    /// was queued (the client saw no 202 and retried), the notice is queued now, so the event is not silently dropped.
    /// </summary>
    private async Task<Result<PublishReceipt>> AlreadyAcceptedAsync(WebhookEvent earlier, CancellationToken cancellationToken)
    {
        if (!earlier.NoticeQueued)
        {
            logger.LogWarning("Event {EventId} was stored without its notice queued; queueing it now", earlier.Id);
            await QueueNoticeAsync(earlier, cancellationToken);
        }

        return Result<PublishReceipt>.Success(new PublishReceipt(earlier.Id, earlier.Type, earlier.Timestamp, AlreadyAccepted: true));
    }

    // The envelope carries milliseconds; the stored and answered timestamp is the same instant.
    private static DateTimeOffset ToMilliseconds(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMillisecond));

    private async Task QueueNoticeAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        await eventQueue.SendAsync(new EventNotice(webhookEvent.Id, webhookEvent.Type, webhookEvent.TraceParent), cancellationToken);
        await events.MarkNoticeQueuedAsync(webhookEvent.Id, cancellationToken);
    }
}
