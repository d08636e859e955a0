using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using WebhookFunctions.Benchmarks.Infrastructure;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>
/// (3) What Azurite itself does per second, with raw SDK calls at the benchmark's concurrency: queue send, receive
/// (32 at a time) and delete on a shallow queue; table single upserts, batch upserts (50 per transaction) and point reads.
/// </summary>
internal static class AzuriteCeilingSection
{
    public const string Name = "3 Azurite ceiling";
    private const int MaxQueuedMessages = 3_000;
    private const int BatchEntities = 50;

    private static async Task WarmUpQueueAsync(QueueClient queue, BinaryData body)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, 64), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) =>
            await queue.SendMessageAsync(body, cancellationToken: ct));
        QueueMessage[] batch;
        while ((batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value).Length > 0)
        {
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (message, ct) => await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct));
        }
    }

    /// <summary>Returns the ceiling: the storage operations per second Azurite serves in this mix.</summary>
    public static async Task<double> RunAsync(BenchSettings settings, string connectionString, ResultTable table)
    {
        var queue = new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient("ceiling" + Guid.NewGuid().ToString("N")[..8]);
        await queue.CreateAsync();
        var body = new BinaryData(new byte[300]);
        await WarmUpQueueAsync(queue, body);

        // Send: bounded, so the queue stays shallow (Azurite slows down with every message it stores).
        long sent = 0;
        var sendClock = Stopwatch.StartNew();
        using (var sendWindow = new CancellationTokenSource(settings.AzuriteDuration))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, settings.Concurrency), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency }, async (_, ct) =>
            {
                while (!sendWindow.IsCancellationRequested && Interlocked.Increment(ref sent) <= MaxQueuedMessages)
                {
                    await queue.SendMessageAsync(body, cancellationToken: ct);
                }
            });
        }

        var sends = Math.Min(sent, MaxQueuedMessages);
        var sendSeconds = sendClock.Elapsed.TotalSeconds;
        var sendRate = sends / sendSeconds;

        // Receive 32 at a time until the queue is empty, then delete every message received.
        var received = new ConcurrentBag<QueueMessage>();
        long receiveCalls = 0;
        var receiveClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, 4), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, ct) =>
        {
            while (true)
            {
                var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), ct)).Value;
                if (batch.Length == 0)
                {
                    return;
                }

                Interlocked.Increment(ref receiveCalls);
                foreach (var message in batch)
                {
                    received.Add(message);
                }
            }
        });
        var receiveSeconds = receiveClock.Elapsed.TotalSeconds;
        var receiveRate = receiveCalls / receiveSeconds;

        var deleteClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(received, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency }, async (message, ct) =>
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct));
        var deleteSeconds = deleteClock.Elapsed.TotalSeconds;
        var deleteRate = received.Count / deleteSeconds;
        await queue.DeleteAsync();

        var tableClient = new TableServiceClient(connectionString).GetTableClient("ceiling" + Guid.NewGuid().ToString("N")[..8]);
        await tableClient.CreateAsync();
        var payload = new string('x', 400);
        for (var i = 0; i < 20; i++)
        {
            // Warm-up: connections, JIT, the table's first partition.
            await tableClient.UpsertEntityAsync(new TableEntity("warm", $"r{i}") { ["Payload"] = payload });
            await tableClient.GetEntityIfExistsAsync<TableEntity>("warm", $"r{i}");
        }

        long n = 0;
        var upsertRate = await LoadDrivers.ClosedLoopAsync(settings.Concurrency, settings.AzuriteDuration, async ct =>
        {
            var i = Interlocked.Increment(ref n);
            await tableClient.UpsertEntityAsync(new TableEntity($"p{i % 64}", $"r{i}") { ["Payload"] = payload }, TableUpdateMode.Replace, ct);
        });
        var readRate = await LoadDrivers.ClosedLoopAsync(settings.Concurrency, settings.AzuriteDuration, async ct =>
        {
            var i = Interlocked.Increment(ref n) % 1000;
            await tableClient.GetEntityIfExistsAsync<TableEntity>($"p{(i + 1) % 64}", $"r{i + 1}", cancellationToken: ct);
        });
        var batchRate = await LoadDrivers.ClosedLoopAsync(4, settings.AzuriteDuration, async ct =>
        {
            var partition = $"b{Interlocked.Increment(ref n)}";
            var actions = Enumerable.Range(0, BatchEntities)
                .Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, $"r{r}") { ["Payload"] = payload }));
            await tableClient.SubmitTransactionAsync(actions, ct);
        });
        await tableClient.DeleteAsync();

        table.Add(Name, "queue send", sendRate, "messages/s", $"{sends} messages, concurrency {settings.Concurrency}");
        table.Add(Name, "queue receive (32 per call)", receiveRate, "calls/s", $"{received.Count / Math.Max(1.0, receiveCalls):0.#} messages per call");
        table.Add(Name, "queue delete", deleteRate, "messages/s", "");
        table.Add(Name, "queue receive + delete", received.Count / (receiveSeconds + deleteSeconds), "messages/s", "receive all, then delete all");
        table.Add(Name, "table upsert (single entity)", upsertRate, "operations/s", $"concurrency {settings.Concurrency}");
        table.Add(Name, "table batch upsert (50 entities)", batchRate, "transactions/s", $"{batchRate * BatchEntities:N0} entities/s, 4 concurrent");
        table.Add(Name, "table point read", readRate, "operations/s", "");

        // The ceiling: every raw queue and single-entity table operation above, over the time they took together.
        var operations = sends + receiveCalls + received.Count + upsertRate * settings.AzuriteDuration.TotalSeconds;
        var seconds = sendSeconds + receiveSeconds + deleteSeconds + settings.AzuriteDuration.TotalSeconds;
        var ceiling = operations / seconds;
        table.Add(Name, "ceiling: queue send, receive, delete and table upsert together", ceiling, "operations/s", "all their operations ÷ all their time");
        return ceiling;
    }
}
