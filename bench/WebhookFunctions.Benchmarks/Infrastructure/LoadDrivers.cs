using System.Diagnostics;

namespace WebhookFunctions.Benchmarks.Infrastructure;

internal static class LoadDrivers
{
    /// <summary>
    /// Runs <paramref name="operation"/> back to back on <paramref name="concurrency"/> loops for <paramref name="duration"/>
    /// (after a warm-up of a fifth of it) and returns the completed operations per second.
    /// </summary>
    public static async Task<double> ClosedLoopAsync(int concurrency, TimeSpan duration, Func<CancellationToken, Task> operation)
    {
        using (var warmUp = new CancellationTokenSource(duration / 5))
        {
            await RunLoopsAsync(concurrency, operation, warmUp.Token);
        }

        using var measured = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();
        var completed = await RunLoopsAsync(concurrency, operation, measured.Token);
        return completed / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Starts operation i at i / <paramref name="perSecond"/> seconds, whether or not earlier ones finished (open loop:
    /// a slow system gets no breather), and waits for them all. The scheduled start is passed along, so latency can be
    /// measured from it.
    /// </summary>
    public static async Task<TimeSpan> OpenLoopAsync(double perSecond, int count, Func<int, long, Task> operation)
    {
        var clock = Stopwatch.StartNew();
        var origin = Stopwatch.GetTimestamp();
        var running = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var scheduled = origin + (long)(due.TotalSeconds * Stopwatch.Frequency);
            var index = i;
            running.Add(Task.Run(() => operation(index, scheduled)));
        }

        var offered = clock.Elapsed;
        await Task.WhenAll(running);
        return offered;
    }

    private static async Task<long> RunLoopsAsync(int concurrency, Func<CancellationToken, Task> operation, CancellationToken stop)
    {
        long completed = 0;
        var loops = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await operation(CancellationToken.None);
                Interlocked.Increment(ref completed);
            }
        }));
        await Task.WhenAll(loops);
        return completed;
    }
}
