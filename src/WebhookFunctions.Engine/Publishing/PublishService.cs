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
                var earlier = await events.GetAsync(firstEventId, cancellationToken);
                if (earlier is not null)
                {
                    return Result<PublishReceipt>.Success(new PublishReceipt(earlier.Id, earlier.Type, earlier.Timestamp, AlreadyAccepted: true));
                }

                // The key was recorded by a request that failed before storing its event: finish that publish now.
                eventId = firstEventId;
            }
        }

        var webhookEvent = new WebhookEvent(
            eventId,
            command.Type!,
            command.Time?.ToUniversalTime() ?? now,
            command.Subject,
            command.Source,
            command.Data,
            activity?.Id ?? command.TraceParent);

        if (!await events.TryAddAsync(webhookEvent, cancellationToken))
        {
            var existing = await events.GetAsync(eventId, cancellationToken);
            if (existing is not null)
            {
                return Result<PublishReceipt>.Success(new PublishReceipt(existing.Id, existing.Type, existing.Timestamp, AlreadyAccepted: true));
            }
        }

        await eventQueue.SendAsync(new EventNotice(webhookEvent.Id, webhookEvent.Type, webhookEvent.TraceParent), cancellationToken);
        WebhookTelemetry.EventsPublished.Add(1, new KeyValuePair<string, object?>("event.type", webhookEvent.Type));
        logger.LogInformation("Accepted event {EventId} of type {EventType}", webhookEvent.Id, webhookEvent.Type);
        return Result<PublishReceipt>.Success(new PublishReceipt(webhookEvent.Id, webhookEvent.Type, webhookEvent.Timestamp, AlreadyAccepted: false));
    }
}
