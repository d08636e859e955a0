using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Storage.Queues;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.Storage.Workers;

/// <summary>
/// Reads delivery jobs, and takes those publish hands over directly (<see cref="StorageDirectDelivery"/>), and hands
/// each to the engine with a settlement over this queue and the dead-letter table.
/// </summary>
internal sealed class DeliveryWorker(
    QueueConsumer<DeliveryJob> consumer,
    DeliveryProcessor processor,
    DeadLetterTableStore deadLetters,
    IOptions<WorkerOptions> options,
    TransientFaultClassifier faults,
    FaultBackoff faultBackoff,
    LocalHandOff<DeliveryJob> handOff,
    TimeProvider timeProvider,
    ILogger<DeliveryWorker> logger) : QueueWorker
{
    protected override Task RunAsync(CancellationToken stopping, CancellationToken processing)
    {
        var settings = options.Value;
        var loop = new QueueWorkerLoop<DeliveryJob>(consumer, settings.DeliveryConcurrency, settings.ReceiveBatchSize, settings, faults, faultBackoff, timeProvider, logger, handOff);
        return loop.RunAsync(HandleAsync, stopping, processing);
    }

    private Task HandleAsync(HeldMessage<DeliveryJob> message, CancellationToken cancellationToken) =>
        processor.ProcessAsync(message.Value, new QueueDeliverySettlement(message, deadLetters), cancellationToken);
}
