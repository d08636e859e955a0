using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Storage.Workers;

namespace WebhookFunctions.Storage.Queues;

/// <summary>
/// Publish's direct path on the deliveries queue. With a handler free in this process, the job is sent hidden for a
/// visibility timeout and held (renewed) from the send's own receipt, then handed to this process's delivery worker
/// once the event is stored: no receive, no polling wait. Without one, the job is sent to appear a second later, for
/// whichever instance receives it. A process that dies holding a job leaves it to reappear when its visibility ends.
/// </summary>
internal sealed class StorageDirectDelivery(
    QueueServiceClient queues,
    StorageNames names,
    LocalHandOff<DeliveryJob> handOff,
    IOptions<WorkerOptions> options,
    TimeProvider timeProvider,
    ILogger<StorageDirectDelivery> logger) : IDirectDelivery
{
    private readonly QueueClient queue = queues.GetQueueClient(names.DeliveriesQueue);

    public async Task<IQueuedDirectJob> SendAsync(DeliveryJob job, CancellationToken cancellationToken)
    {
        var body = QueueLimits.CheckedBody(MessageCodec.Encode(job), "delivery job");
        if (!handOff.TryReserve())
        {
            var receipt = (await queue.SendMessageAsync(body, QueueLimits.VisibilityGranularity, QueueLimits.NeverExpires, cancellationToken)).Value;
            return new QueuedForAnyInstance(queue, receipt.MessageId, receipt.PopReceipt);
        }

        try
        {
            var visibilityTimeout = options.Value.MessageVisibilityTimeout;
            var receipt = (await queue.SendMessageAsync(body, visibilityTimeout, QueueLimits.NeverExpires, cancellationToken)).Value;
            var held = new HeldMessage<DeliveryJob>(queue, receipt.MessageId, receipt.PopReceipt, dequeueCount: 0, faultRetries: 0, body, job, visibilityTimeout, timeProvider, logger);
            return new HeldForThisInstance(held, handOff, logger);
        }
        catch
        {
            handOff.CancelReservation();
            throw;
        }
    }

    /// <summary>Sent hidden and held here; released to this process's delivery worker.</summary>
    private sealed class HeldForThisInstance(HeldMessage<DeliveryJob> held, LocalHandOff<DeliveryJob> handOff, ILogger logger) : IQueuedDirectJob
    {
        public void Release()
        {
            if (handOff.TryHand(held))
            {
                return;
            }

            // The worker stopped meanwhile: any instance may take the job now.
            handOff.CancelReservation();
            _ = ReleaseToQueueAsync();
        }

        public void Abandon()
        {
            handOff.CancelReservation();
            _ = held.DisposeAsync().AsTask();
        }

        public async Task DiscardAsync(CancellationToken cancellationToken)
        {
            handOff.CancelReservation();
            await using (held)
            {
                await held.DeleteAsync(cancellationToken);
            }
        }

        private async Task ReleaseToQueueAsync()
        {
            await using (held)
            {
                try
                {
                    await held.ReleaseAsync(TimeSpan.Zero, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Could not make direct delivery job {MessageId} visible; it reappears when its visibility ends", held.MessageId);
                }
            }
        }
    }

    /// <summary>Sent to appear a second later; the event's write is usually done by then, and delivery waits for it if not.</summary>
    private sealed class QueuedForAnyInstance(QueueClient queue, string messageId, string popReceipt) : IQueuedDirectJob
    {
        public void Release()
        {
        }

        public void Abandon()
        {
        }

        public Task DiscardAsync(CancellationToken cancellationToken) => queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken);
    }
}
