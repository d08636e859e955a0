using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Engine.Events;

/// <summary>Reads accepted events and their delivery attempts.</summary>
public sealed class EventQueryService
{
    public Task<Result<WebhookEvent>> GetAsync(string eventId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Result<IReadOnlyList<DeliveryAttempt>>> ListDeliveriesAsync(string eventId, CancellationToken cancellationToken) => throw new NotImplementedException();
}
