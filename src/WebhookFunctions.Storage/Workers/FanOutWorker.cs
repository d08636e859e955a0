using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.Engine.FanOut;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Storage.Queues;

namespace WebhookFunctions.Storage.Workers;

/// <summary>Reads event notices and fans each out to delivery jobs; the notice is deleted once fan-out returned.</summary>
internal sealed class FanOutWorker(
    QueueConsumer<EventNotice> consumer,
    FanOutService fanOut,
    IOptions<WorkerOptions> options,
    TransientFaultClassifier faults,
    FaultBackoff faultBackoff,
    TimeProvider timeProvider,
    ILogger<FanOutWorker> logger) : QueueWorker
{
    protected override Task RunAsync(CancellationToken stopping, CancellationToken processing)
    {
        var settings = options.Value;
        var loop = new QueueWorkerLoop<EventNotice>(consumer, settings.FanOutConcurrency, settings.ReceiveBatchSize, settings, faults, faultBackoff, timeProvider, logger);
        return loop.RunAsync(HandleAsync, stopping, processing);
    }

    private async Task HandleAsync(HeldMessage<EventNotice> message, CancellationToken cancellationToken)
    {
        await fanOut.FanOutAsync(message.Value, cancellationToken);
        await message.DeleteAsync(cancellationToken);
    }
}
