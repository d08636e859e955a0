namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>Samples this process's working set every 100 ms until disposed; keeps the peak.</summary>
internal sealed class PeakWorkingSet : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private long peak;

    public PeakWorkingSet() => sampling = SampleAsync(stop.Token);

    public long PeakBytes => Interlocked.Read(ref peak);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await sampling;
        stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            do
            {
                var current = Environment.WorkingSet;
                if (current > Interlocked.Read(ref peak))
                {
                    Interlocked.Exchange(ref peak, current);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
