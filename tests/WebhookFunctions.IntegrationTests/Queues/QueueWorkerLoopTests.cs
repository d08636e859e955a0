using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage;
using WebhookFunctions.Storage.Queues;
using WebhookFunctions.Storage.Tables;
using WebhookFunctions.Storage.Workers;
using WebhookFunctions.Testing.Waiting;

namespace WebhookFunctions.IntegrationTests.Queues;

[Collection(AzuriteCollection.Name)]
public sealed class QueueWorkerLoopTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private TestStorage storage = null!;

    public async Task InitializeAsync() => storage = await TestStorage.CreateAsync(azurite);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_message_is_handled_once_and_deleted()
    {
        await SendNoticesAsync(40);
        var handled = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stopping = new CancellationTokenSource();
        var loop = Loop(concurrency: 4, batchSize: 8, new WorkerOptions());

        var run = loop.RunAsync(async (message, ct) =>
        {
            handled.Add(message.Value.EventId);
            await message.DeleteAsync(ct);
        }, stopping.Token, CancellationToken.None);
        await Eventually.HoldsAsync(() => handled.Count >= 40, "all 40 notices are handled", Timeout);
        await stopping.CancelAsync();
        await run.WaitAsync(Timeout);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"evt-{i:D2}").Order(), handled.Order());
        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(EventsQueue));
    }

    [Fact]
    public async Task On_stop_work_in_flight_finishes_and_received_but_unstarted_messages_are_visible_again_at_once()
    {
        await SendNoticesAsync(3);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finishInFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new List<string>();
        using var stopping = new CancellationTokenSource();
        var loop = Loop(concurrency: 1, batchSize: 4, new WorkerOptions { MessageVisibilityTimeout = TimeSpan.FromMinutes(5) });

        var run = loop.RunAsync(async (message, ct) =>
        {
            started.TrySetResult();
            await finishInFlight.Task;
            await message.DeleteAsync(ct);
            handled.Add(message.Value.EventId);
        }, stopping.Token, CancellationToken.None);
        await started.Task.WaitAsync(Timeout);
        await stopping.CancelAsync();
        Assert.False(run.IsCompleted);
        finishInFlight.SetResult();
        await run.WaitAsync(Timeout);

        var inFlight = Assert.Single(handled);
        var visibleAgain = (await EventsQueue.ReceiveMessagesAsync(32)).Value;
        Assert.Equal(2, visibleAgain.Length);
        Assert.DoesNotContain(inFlight, visibleAgain.Select(m => MessageCodec.DecodeEventNotice(m.Body.ToMemory().Span).EventId));
    }

    [Fact]
    public async Task A_message_whose_handler_throws_is_not_deleted_and_reappears()
    {
        await SendNoticesAsync(1);
        var attempts = 0;
        using var stopping = new CancellationTokenSource();
        var loop = Loop(concurrency: 1, batchSize: 1, new WorkerOptions { RetryDelayAfterError = TimeSpan.Zero });

        var run = loop.RunAsync((_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new InvalidOperationException("engine failure");
        }, stopping.Token, CancellationToken.None);
        await Eventually.HoldsAsync(() => Volatile.Read(ref attempts) >= 2, "the failed notice is handled again", Timeout);
        await stopping.CancelAsync();
        await run.WaitAsync(Timeout);

        Assert.True(attempts >= 2, $"Handled {attempts} times.");
        var message = Assert.Single((await EventsQueue.ReceiveMessagesAsync(32)).Value);
        Assert.True(message.DequeueCount > attempts - 1);
    }

    [Fact]
    public async Task A_handler_that_returns_without_settling_leaves_the_message_to_reappear_later()
    {
        await SendNoticesAsync(1);
        var handledOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopping = new CancellationTokenSource();
        var loop = Loop(concurrency: 1, batchSize: 1, new WorkerOptions { RetryDelayAfterError = TimeSpan.FromSeconds(30) });

        var run = loop.RunAsync((_, _) =>
        {
            handledOnce.TrySetResult();
            return Task.CompletedTask;
        }, stopping.Token, CancellationToken.None);
        await handledOnce.Task.WaitAsync(Timeout);
        await stopping.CancelAsync();
        await run.WaitAsync(Timeout);

        Assert.Equal(1, await QueueTestKit.CountMessagesAsync(EventsQueue));
        Assert.Empty((await EventsQueue.PeekMessagesAsync(32)).Value);
    }

    private Azure.Storage.Queues.QueueClient EventsQueue => storage.Queues.GetQueueClient(storage.Names.EventsQueue);

    [Fact]
    public async Task A_transient_fault_waits_the_fault_backoff_and_is_not_counted_towards_the_poison_limit()
    {
        await SendNoticesAsync(1);
        var receives = new System.Collections.Concurrent.ConcurrentQueue<(TimeSpan At, long DequeueCount, int FaultRetries)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var stopping = new CancellationTokenSource();
        var loop = Loop(concurrency: 1, batchSize: 1, new WorkerOptions { RetryDelayAfterError = TimeSpan.Zero }, maxDequeueCount: 2, OneSecondBackoff);

        // Four faults against a limit of two receives: without fault retries the notice would be dead-lettered on the third.
        var run = loop.RunAsync(async (message, ct) =>
        {
            receives.Enqueue((clock.Elapsed, message.DequeueCount, message.FaultRetries));
            if (receives.Count <= 4)
            {
                throw new RequestFailedException(503, "Server busy");
            }

            await message.DeleteAsync(ct);
        }, stopping.Token, CancellationToken.None);
        await Eventually.HoldsAsync(() => receives.Count >= 5, "five receives", Timeout);
        await stopping.CancelAsync();
        await run.WaitAsync(Timeout);

        var seen = receives.ToList();
        Assert.Equal([(1L, 0), (2L, 1), (3L, 2), (4L, 3), (5L, 4)], seen.Select(r => (r.DequeueCount, r.FaultRetries)));
        Assert.All(seen.Zip(seen.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= TimeSpan.FromSeconds(0.9), $"Received again after {pair.Second.At - pair.First.At}."));
        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(EventsQueue));
        Assert.Empty(await ListDeadLettersAsync());
    }

    [Fact]
    public async Task The_same_failures_not_classified_as_faults_count_and_end_as_a_fan_out_dead_letter()
    {
        await SendNoticesAsync(1);
        var attempts = 0;
        using var stopping = new CancellationTokenSource();
        var loop = Loop(concurrency: 1, batchSize: 1, new WorkerOptions { RetryDelayAfterError = TimeSpan.Zero }, maxDequeueCount: 2, OneSecondBackoff);

        var run = loop.RunAsync((_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new InvalidOperationException("engine failure");
        }, stopping.Token, CancellationToken.None);
        var deadLetter = await Eventually.FoundAsync(async () => (await ListDeadLettersAsync()).SingleOrDefault(), "a dead letter is listed", Timeout);
        await stopping.CancelAsync();
        await run.WaitAsync(Timeout);

        Assert.NotNull(deadLetter);
        Assert.Equal(2, attempts);
        Assert.Equal((DeadLetterStage.FanOut, "evt-00", (string?)null, 3), (deadLetter.Stage, deadLetter.EventId, deadLetter.SubscriptionId, deadLetter.Attempts));
        Assert.Contains("received 3 times without being completed", deadLetter.Description, StringComparison.Ordinal);
        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(EventsQueue));
    }

    [Fact]
    public async Task Once_the_fault_budget_is_spent_a_fault_counts_like_any_failure()
    {
        await SendNoticesAsync(1);
        var attempts = 0;
        using var stopping = new CancellationTokenSource();
        var loop = Loop(concurrency: 1, batchSize: 1, new WorkerOptions { RetryDelayAfterError = TimeSpan.Zero }, maxDequeueCount: 1, new FaultBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), jitter: 0, maxFaultRetries: 1));

        var run = loop.RunAsync((_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new TimeoutException("storage does not answer");
        }, stopping.Token, CancellationToken.None);
        var deadLetter = await Eventually.FoundAsync(async () => (await ListDeadLettersAsync()).SingleOrDefault(), "a dead letter is listed", Timeout);
        await stopping.CancelAsync();
        await run.WaitAsync(Timeout);

        // Receive 1: a fault retry. Receive 2: one counted receive, the budget spent, so it is counted. Receive 3: over the limit.
        Assert.NotNull(deadLetter);
        Assert.Equal(2, attempts);
        Assert.Contains("received 3 times without being completed (1 of them fault retries)", deadLetter.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fault_during_shutdown_releases_the_message_at_once_without_a_fault_retry()
    {
        await SendNoticesAsync(1);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopping = new CancellationTokenSource();
        using var processing = new CancellationTokenSource();
        var loop = Loop(concurrency: 1, batchSize: 1, new WorkerOptions { MessageVisibilityTimeout = TimeSpan.FromMinutes(5) }, maxDequeueCount: 20, new FaultBackoff(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), jitter: 0, maxFaultRetries: 100));

        var run = loop.RunAsync(async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
        }, stopping.Token, processing.Token);
        await started.Task.WaitAsync(Timeout);
        await stopping.CancelAsync();
        await processing.CancelAsync();
        await run.WaitAsync(Timeout);

        var message = Assert.Single((await EventsQueue.ReceiveMessagesAsync(32)).Value);
        Assert.Equal(0, FaultRetryCount.Read(message.Body));
    }

    private static FaultBackoff OneSecondBackoff { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), jitter: 0, maxFaultRetries: 100);

    private static TransientFaultClassifier Faults { get; } = new([new StorageTransientFaultRule()]);

    private async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync() =>
        (await new DeadLetterTableStore(storage.Tables, storage.Names).ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items;

    private QueueWorkerLoop<EventNotice> Loop(int concurrency, int batchSize, WorkerOptions options, int maxDequeueCount = 20, FaultBackoff? backoff = null) =>
        new(QueueTestKit.EventConsumer(storage, TimeProvider.System, maxDequeueCount), concurrency, batchSize, options, Faults, backoff ?? FaultBackoff.Default, TimeProvider.System, NullLogger.Instance);

    private async Task SendNoticesAsync(int count)
    {
        var queue = new StorageEventQueue(storage.Queues, storage.Names);
        for (var i = 0; i < count; i++)
        {
            await queue.SendAsync(new EventNotice($"evt-{i:D2}", "order.created", null), CancellationToken.None);
        }
    }
}
