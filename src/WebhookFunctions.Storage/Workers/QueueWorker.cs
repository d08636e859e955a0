using Microsoft.Extensions.Hosting;

namespace WebhookFunctions.Storage.Workers;

/// <summary>
/// A hosted queue worker with graceful shutdown: stopping ends receiving at once, while work in flight keeps its own
/// token, cancelled only when the host's shutdown timeout runs out.
/// </summary>
internal abstract class QueueWorker : BackgroundService
{
    private readonly CancellationTokenSource processing = new();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var shutdownTimeout = cancellationToken.Register(processing.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        processing.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    protected sealed override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken, processing.Token);

    protected abstract Task RunAsync(CancellationToken stopping, CancellationToken processing);
}
