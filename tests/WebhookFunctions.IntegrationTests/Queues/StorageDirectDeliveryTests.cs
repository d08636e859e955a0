using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage;
using WebhookFunctions.Storage.Queues;
using WebhookFunctions.Storage.Workers;
using WebhookFunctions.Testing.Waiting;

namespace WebhookFunctions.IntegrationTests.Queues;

/// <summary>Publish's direct path on the deliveries queue: held for this process, or queued for any a second later.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageDirectDeliveryTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly WorkerOptions Options = new() { MessageVisibilityTimeout = TimeSpan.FromMinutes(5) };
    private readonly LocalHandOff<DeliveryJob> handOff = new();
    private TestStorage storage = null!;
    private StorageDirectDelivery direct = null!;

    public async Task InitializeAsync()
    {
        storage = await TestStorage.CreateAsync(azurite);
        direct = new StorageDirectDelivery(storage.Queues, storage.Names, handOff, Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System, NullLogger<StorageDirectDelivery>.Instance);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_held_job_is_hidden_from_every_receiver_and_released_to_this_process_worker_without_a_receive()
    {
        var handled = new ConcurrentQueue<(DeliveryJob Job, long DequeueCount)>();
        using var stopping = new CancellationTokenSource();
        var run = Loop().RunAsync(async (message, ct) =>
        {
            handled.Enqueue((message.Value, message.DequeueCount));
            await message.DeleteAsync(ct);
        }, stopping.Token, CancellationToken.None);
        await Eventually.HoldsAsync(LoopRunning, "the worker loop is running", Timeout);

        var queued = await direct.SendAsync(Job("evt-held"), CancellationToken.None);
        Assert.Empty((await DeliveriesQueue.ReceiveMessagesAsync(32)).Value);
        Assert.Equal(1, await QueueTestKit.CountMessagesAsync(DeliveriesQueue));
        queued.Release();

        await Eventually.HoldsAsync(() => handled.Count == 1, "the released job is handled", Timeout);
        var (job, dequeueCount) = Assert.Single(handled);
        Assert.Equal(("evt-held", 0L), (job.EventId, dequeueCount));
        await Eventually.HoldsAsync(async () => await QueueTestKit.CountMessagesAsync(DeliveriesQueue) == 0, "the handled job is deleted", Timeout);
        await stopping.CancelAsync();
        await run.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Without_a_running_worker_the_job_is_queued_to_appear_a_second_later_for_any_instance()
    {
        var queued = await direct.SendAsync(Job("evt-any"), CancellationToken.None);
        queued.Release();

        Assert.Empty((await DeliveriesQueue.ReceiveMessagesAsync(32)).Value);
        var received = await Eventually.FoundAsync(async () => (await DeliveriesQueue.ReceiveMessagesAsync(32)).Value.SingleOrDefault(), "the job appears", Timeout);
        Assert.Equal("evt-any", MessageCodec.DecodeDeliveryJob(received.Body.ToMemory().Span).EventId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_discarded_job_is_removed_whether_held_or_queued(bool workerRunning)
    {
        using var stopping = new CancellationTokenSource();
        var run = workerRunning ? Loop().RunAsync((message, ct) => message.DeleteAsync(ct), stopping.Token, CancellationToken.None) : Task.CompletedTask;
        if (workerRunning)
        {
            await Eventually.HoldsAsync(LoopRunning, "the worker loop is running", Timeout);
        }

        var queued = await direct.SendAsync(Job("evt-discarded"), CancellationToken.None);
        await queued.DiscardAsync(CancellationToken.None);

        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(DeliveriesQueue));
        await stopping.CancelAsync();
        await run.WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_job_held_while_the_worker_stops_is_made_visible_at_once_on_release()
    {
        using var stopping = new CancellationTokenSource();
        var run = Loop().RunAsync((message, ct) => message.DeleteAsync(ct), stopping.Token, CancellationToken.None);
        await Eventually.HoldsAsync(LoopRunning, "the worker loop is running", Timeout);

        var queued = await direct.SendAsync(Job("evt-stopped"), CancellationToken.None);
        await stopping.CancelAsync();
        await run.WaitAsync(Timeout);
        queued.Release();

        var received = await Eventually.FoundAsync(async () => (await DeliveriesQueue.ReceiveMessagesAsync(32)).Value.SingleOrDefault(), "the job is visible again", Timeout);
        Assert.Equal("evt-stopped", MessageCodec.DecodeDeliveryJob(received.Body.ToMemory().Span).EventId);
    }

    [Fact]
    public async Task An_abandoned_held_job_stays_hidden_and_reappears_for_any_receiver_when_its_visibility_ends()
    {
        var shortVisibility = new StorageDirectDelivery(storage.Queues, storage.Names, handOff, Microsoft.Extensions.Options.Options.Create(new WorkerOptions { MessageVisibilityTimeout = TimeSpan.FromSeconds(3) }), TimeProvider.System, NullLogger<StorageDirectDelivery>.Instance);
        using var slots = new SemaphoreSlim(1);
        handOff.Open(System.Threading.Channels.Channel.CreateUnbounded<HeldMessage<DeliveryJob>>().Writer, slots);

        var queued = await shortVisibility.SendAsync(Job("evt-abandoned"), CancellationToken.None);
        Assert.Equal(0, slots.CurrentCount);
        queued.Abandon();

        Assert.Equal(1, slots.CurrentCount);
        Assert.Empty((await DeliveriesQueue.ReceiveMessagesAsync(32)).Value);
        var received = await Eventually.FoundAsync(async () => (await DeliveriesQueue.ReceiveMessagesAsync(32)).Value.SingleOrDefault(), "the job reappears", Timeout);
        Assert.Equal("evt-abandoned", MessageCodec.DecodeDeliveryJob(received.Body.ToMemory().Span).EventId);
        handOff.Close();
    }

    private bool LoopRunning()
    {
        if (!handOff.TryReserve())
        {
            return false;
        }

        handOff.CancelReservation();
        return true;
    }

    private Azure.Storage.Queues.QueueClient DeliveriesQueue => storage.Queues.GetQueueClient(storage.Names.DeliveriesQueue);

    private static DeliveryJob Job(string eventId) => new(eventId, "order.created", ["sub-1"], Attempt: 1, TraceParent: null, QueuedBeforeEventAt: DateTimeOffset.UtcNow);

    private QueueWorkerLoop<DeliveryJob> Loop() =>
        new(QueueTestKit.DeliveryConsumer(storage, TimeProvider.System), concurrency: 2, receiveBatchSize: 4, Options, new TransientFaultClassifier([new StorageTransientFaultRule()]), FaultBackoff.Default, TimeProvider.System, NullLogger.Instance, handOff);
}
