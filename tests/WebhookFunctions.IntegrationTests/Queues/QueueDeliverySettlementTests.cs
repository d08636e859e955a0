using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Queues;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Queues;

[Collection(AzuriteCollection.Name)]
public sealed class QueueDeliverySettlementTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestStorage storage = null!;

    public async Task InitializeAsync() => storage = await TestStorage.CreateAsync(azurite);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Dead_letters_go_to_the_table_and_completion_deletes_the_message()
    {
        var raw = storage.Queues.GetQueueClient(storage.Names.DeliveriesQueue);
        await new StorageDeliveryQueue(storage.Queues, storage.Names, TimeProvider.System).SendAsync([QueueTestKit.Job("evt-1", "sub-a", "sub-b")], CancellationToken.None);
        await using var held = (await QueueTestKit.DeliveryConsumer(storage, TimeProvider.System).ReceiveAsync(1, TimeSpan.FromSeconds(30), CancellationToken.None)).Single();
        var deadLetters = new DeadLetterTableStore(storage.Tables, storage.Names);
        var settlement = new QueueDeliverySettlement(held, deadLetters);
        var deadLetter = new DeadLetter("evt-1", "sub-b", "order.created", DeadLetterReason.EndpointGone, "410 Gone", 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 410, null, null);

        await settlement.RecordDeadLetterAsync(deadLetter, CancellationToken.None);
        Assert.Equal(1, await QueueTestKit.CountMessagesAsync(raw));
        await settlement.SettleAsync(CancellationToken.None);

        Assert.Equal(0, await QueueTestKit.CountMessagesAsync(raw));
        Assert.True(held.IsSettled);
        Assert.Equal([deadLetter], (await deadLetters.ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Completing_twice_is_refused()
    {
        await new StorageDeliveryQueue(storage.Queues, storage.Names, TimeProvider.System).SendAsync([QueueTestKit.Job("evt-1", "sub-a")], CancellationToken.None);
        await using var held = (await QueueTestKit.DeliveryConsumer(storage, TimeProvider.System).ReceiveAsync(1, TimeSpan.FromSeconds(30), CancellationToken.None)).Single();
        var settlement = new QueueDeliverySettlement(held, new DeadLetterTableStore(storage.Tables, storage.Names));

        await settlement.SettleAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => settlement.SettleAsync(CancellationToken.None));
    }
}
