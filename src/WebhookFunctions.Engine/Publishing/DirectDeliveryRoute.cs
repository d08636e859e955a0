using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.FanOut;
using WebhookFunctions.Engine.Telemetry;

namespace WebhookFunctions.Engine.Publishing;

/// <summary>
/// Publish's direct path, for an event whose recipients fit in one delivery job: the job is queued first, then the
/// event is stored already marked as queued, then the job is released to a worker. No notice, no fan-out hop, no mark.
/// </summary>
/// <remarks>
/// Crash safety. The order makes "the event is stored" imply "its job is queued", so a repeated publish that finds
/// the event has nothing to queue, as for an event whose notice was marked. A crash after the job and before the
/// event leaves a job without an event: its client got no 202, and delivery ends the job once
/// <see cref="DirectPublishDeadlines.Grace"/> shows the event will not come. A failed or cut-off event write leaves
/// the job queued (<see cref="IQueuedDirectJob.Abandon"/>), since the write may have landed.
/// </remarks>
public sealed class DirectDeliveryRoute(
    RecipientFinder recipients,
    IEventStore events,
    IOptions<DeliveryOptions> deliveryOptions,
    IOptions<PublishOptions> publishOptions,
    TimeProvider timeProvider,
    ILogger<DirectDeliveryRoute> logger,
    IDirectDelivery? transport = null)
{
    public bool IsAvailable => transport is not null && publishOptions.Value.DirectDelivery;

    /// <summary>
    /// Stores the event with its delivery job queued. Null when the event has more recipients than one job carries
    /// (nothing was done: the caller takes the fan-out path); otherwise whether it was stored (false: the id is taken).
    /// </summary>
    public async Task<bool?> TryStoreAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        if (transport is null)
        {
            return null;
        }

        IReadOnlyList<string> recipientIds;
        try
        {
            recipientIds = await recipients.FindAsync(webhookEvent, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Fan-out retries the lookup, and parks the event as a fan-out dead letter if it keeps failing; publish
            // must not refuse an event because the subscription index cannot be read right now.
            logger.LogWarning(ex, "Finding the recipients of event {EventId} failed; it takes the fan-out path", webhookEvent.Id);
            return null;
        }

        if (recipientIds.Count > deliveryOptions.Value.FanOutBatchSize)
        {
            return null;
        }

        var stored = webhookEvent with { NoticeQueued = true, SoleRecipient = recipientIds is [var only] ? only : null };
        if (recipientIds.Count == 0)
        {
            return await events.TryAddAsync(stored, cancellationToken);
        }

        var job = new DeliveryJob(webhookEvent.Id, webhookEvent.Type, recipientIds, Attempt: 1, webhookEvent.TraceParent, TenantId: webhookEvent.TenantId, QueuedBeforeEventAt: timeProvider.GetUtcNow());
        var queued = await transport.SendAsync(job, cancellationToken);
        bool added;
        try
        {
            using var deadline = new CancellationTokenSource(DirectPublishDeadlines.EventWrite, timeProvider);
            using var writing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            added = await events.TryAddAsync(stored, writing.Token);
        }
        catch
        {
            queued.Abandon();
            throw;
        }

        if (!added)
        {
            await DiscardAsync(queued, webhookEvent.Id);
            return false;
        }

        queued.Release();
        WebhookTelemetry.DirectPublishes.Add(1);
        WebhookTelemetry.JobsFannedOut.Add(recipientIds.Count);
        return true;
    }

    private async Task DiscardAsync(IQueuedDirectJob queued, string eventId)
    {
        try
        {
            await queued.DiscardAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Left queued, it delivers the event stored under this id once more; receivers dedupe on webhook-id.
            logger.LogWarning(ex, "Could not remove the direct delivery job of event {EventId}, whose id was already taken", eventId);
        }
    }
}
