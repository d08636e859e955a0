using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>
/// A side probe of the storage emulator while a run goes on: every 100 ms one cheap call to the queue service (the
/// properties of a queue of its own) and one to the table service (a point read that finds nothing), each timed.
/// What the server does cannot slow these much; a call that takes seconds means the emulator itself stopped
/// answering. The cause, read in Azurite's source and reproduced on its own: every 60 s its queue service deletes the
/// extents of the messages deleted since (<c>QueueGCManager.markSweep</c>), one at a time with a Loki
/// <c>findAndRemove</c>, in a loop whose awaits never yield to I/O, so it answers no request until the sweep ends;
/// 6,000 messages sent and deleted made the next sweep take 64 s. Not counted as the server's operations.
/// </summary>
internal sealed class AzuriteStallProbe : IAsyncDisposable
{
    public static readonly TimeSpan StallThreshold = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly CancellationTokenSource stop = new();
    private readonly Task probing;
    private TimeSpan longestQueueCall;
    private TimeSpan longestTableCall;
    private TimeSpan stalledQueueTime;
    private readonly List<(long Start, long End)> queueStalls = [];

    private AzuriteStallProbe(QueueClient queue, TableClient table) => probing = ProbeAsync(queue, table, stop.Token);

    public TimeSpan LongestQueueCall => longestQueueCall;

    public TimeSpan LongestTableCall => longestTableCall;

    /// <summary>Time spent in queue calls that took longer than <see cref="StallThreshold"/>.</summary>
    public TimeSpan StalledQueueTime => stalledQueueTime;

    /// <summary>
    /// When the queue service stalled (<see cref="Stopwatch"/> timestamps): from a probing interval before a call that
    /// took longer than <see cref="StallThreshold"/> began (the stall may have begun while the probe waited) to its end.
    /// Read once the probe is disposed.
    /// </summary>
    public IReadOnlyList<(long Start, long End)> QueueStalls => queueStalls;

    /// <summary>Whether the span between two timestamps overlaps a stall of the queue service.</summary>
    public bool OverlapsStall(long from, long to) => queueStalls.Any(stall => from < stall.End && to > stall.Start);

    public static async Task<AzuriteStallProbe> StartAsync(string connectionString)
    {
        var name = $"probe{Guid.NewGuid():N}"[..20];
        var queue = new QueueClient(connectionString, name);
        await queue.CreateIfNotExistsAsync();
        var table = new TableClient(connectionString, name);
        await table.CreateIfNotExistsAsync();
        return new AzuriteStallProbe(queue, table);
    }

    /// <summary>Stops probing; the figures cover the time since the start.</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await probing;
        stop.Dispose();
    }

    private async Task ProbeAsync(QueueClient queue, TableClient table, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var called = Stopwatch.GetTimestamp();
                var queueCall = await TimeAsync(() => queue.GetPropertiesAsync(CancellationToken.None));
                var tableCall = await TimeAsync(() => table.GetEntityIfExistsAsync<TableEntity>("probe", "probe", cancellationToken: CancellationToken.None));
                longestQueueCall = queueCall > longestQueueCall ? queueCall : longestQueueCall;
                longestTableCall = tableCall > longestTableCall ? tableCall : longestTableCall;
                if (queueCall > StallThreshold)
                {
                    stalledQueueTime += queueCall;
                    queueStalls.Add((called - (long)(Interval.TotalSeconds * Stopwatch.Frequency), called + (long)(queueCall.TotalSeconds * Stopwatch.Frequency)));
                }

                await Task.Delay(Interval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<TimeSpan> TimeAsync<T>(Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        await call();
        return Stopwatch.GetElapsedTime(started);
    }
}
