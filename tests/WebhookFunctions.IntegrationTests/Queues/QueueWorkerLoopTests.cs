using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Queues;
using WebhookFunctions.Storage.Workers;

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
        await Eventually.ResultAsync(() => Task.FromResult(handled.Count >= 40 ? "done" : null), Timeout);
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
        await Eventually.ResultAsync(() => Task.FromResult(Volatile.Read(ref attempts) >= 2 ? "again" : null), Timeout);
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

    private QueueWorkerLoop<EventNotice> Loop(int concurrency, int batchSize, WorkerOptions options) =>
        new(QueueTestKit.EventConsumer(storage, TimeProvider.System), concurrency, batchSize, options, TimeProvider.System, NullLogger.Instance);

    private async Task SendNoticesAsync(int count)
    {
        var queue = new StorageEventQueue(storage.Queues, storage.Names);
        for (var i = 0; i < count; i++)
        {
            await queue.SendAsync(new EventNotice($"evt-{i:D2}", "order.created", null), CancellationToken.None);
        }
    }
}
