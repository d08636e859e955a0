using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Retention;

namespace WebhookFunctions.SelfHosted;

/// <summary>Runs the engine's <see cref="RetentionSweeper"/> at start and every <see cref="RetentionOptions.SweepPeriod"/>.</summary>
internal sealed partial class RetentionSweepService(
    RetentionSweeper sweeper,
    IOptions<RetentionOptions> options,
    TimeProvider timeProvider,
    ILogger<RetentionSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepPeriod, timeProvider);
        do
        {
            try
            {
                await sweeper.SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage may be briefly unavailable; what this run left is due again next time.
                LogSweepFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep failed; it runs again at the next period")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
