using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>
/// A side probe of the storage emulator while a run goes on: every 100 ms one cheap call to the queue service (the
/// properties of a queue of its own) and one to the table service (a point read that finds nothing), each timed.
/// What the server does cannot slow these much; a call that takes seconds means the emulator itself stopped
/// answering (Azurite's queue service sweeps its message store every 60 s: the likely cause). Not counted as the
/// server's operations.
/// </summary>
internal sealed class AzuriteStallProbe : IAsyncDisposable
{
    public static readonly TimeSpan StallThreshold = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource stop = new();
    private readonly Task probing;
    private TimeSpan longestQueueCall;
    private TimeSpan longestTableCall;
    private TimeSpan stalledQueueTime;

    private AzuriteStallProbe(QueueClient queue, TableClient table) => probing = ProbeAsync(queue, table, stop.Token);

    public TimeSpan LongestQueueCall => longestQueueCall;

    public TimeSpan LongestTableCall => longestTableCall;

    /// <summary>Time spent in queue calls that took longer than <see cref="StallThreshold"/>.</summary>
    public TimeSpan StalledQueueTime => stalledQueueTime;

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
                var queueCall = await TimeAsync(() => queue.GetPropertiesAsync(CancellationToken.None));
                var tableCall = await TimeAsync(() => table.GetEntityIfExistsAsync<TableEntity>("probe", "probe", cancellationToken: CancellationToken.None));
                longestQueueCall = queueCall > longestQueueCall ? queueCall : longestQueueCall;
                longestTableCall = tableCall > longestTableCall ? tableCall : longestTableCall;
                if (queueCall > StallThreshold)
                {
                    stalledQueueTime += queueCall;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
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
