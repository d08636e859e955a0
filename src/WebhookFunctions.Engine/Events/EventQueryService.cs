using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Engine.Events;

/// <summary>Reads accepted events and their delivery attempts.</summary>
public sealed class EventQueryService(IEventStore events, IDeliveryLog deliveryLog)
{
    public async Task<Result<WebhookEvent>> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        var webhookEvent = await events.GetAsync(eventId, cancellationToken);
        return webhookEvent is null ? OperationError.NotFound($"Event '{eventId}'") : Result<WebhookEvent>.Success(webhookEvent);
    }

    public async Task<Result<IReadOnlyList<DeliveryAttempt>>> ListDeliveriesAsync(string eventId, CancellationToken cancellationToken)
    {
        if (await events.GetAsync(eventId, cancellationToken) is not { } webhookEvent)
        {
            return OperationError.NotFound($"Event '{eventId}'");
        }

        return Result<IReadOnlyList<DeliveryAttempt>>.Success(await deliveryLog.ListForEventAsync(webhookEvent, cancellationToken));
    }
}
