using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class IdempotencyTableStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);
    private IdempotencyTableStore store = null!;

    public async Task InitializeAsync()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        store = new IdempotencyTableStore(storage.Tables, storage.Names, storage.Schedule);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_first_use_of_a_key_records_it()
    {
        Assert.Null(await store.TryRecordAsync("key/with?odd#chars", "evt-1", Now, Window, CancellationToken.None));
    }

    [Fact]
    public async Task A_second_use_within_the_window_returns_the_first_event_id()
    {
        await store.TryRecordAsync("key-1", "evt-1", Now, Window, CancellationToken.None);

        Assert.Equal("evt-1", await store.TryRecordAsync("key-1", "evt-2", Now.AddHours(23), Window, CancellationToken.None));
        Assert.Equal("evt-1", await store.TryRecordAsync("key-1", "evt-3", Now.AddHours(23.5), Window, CancellationToken.None));
    }

    [Fact]
    public async Task A_use_after_the_window_replaces_the_expired_record()
    {
        await store.TryRecordAsync("key-1", "evt-1", Now, Window, CancellationToken.None);

        Assert.Null(await store.TryRecordAsync("key-1", "evt-2", Now.AddHours(25), Window, CancellationToken.None));
        Assert.Equal("evt-2", await store.TryRecordAsync("key-1", "evt-3", Now.AddHours(26), Window, CancellationToken.None));
    }

    [Fact]
    public async Task Different_keys_do_not_meet()
    {
        await store.TryRecordAsync("key-1", "evt-1", Now, Window, CancellationToken.None);

        Assert.Null(await store.TryRecordAsync("key-2", "evt-2", Now, Window, CancellationToken.None));
    }

    [Fact]
    public async Task Racing_first_uses_of_one_key_record_exactly_one_event()
    {
        var results = await Task.WhenAll(Enumerable.Range(1, 8)
            .Select(i => store.TryRecordAsync("key-race", $"evt-{i}", Now, Window, CancellationToken.None)));

        Assert.Single(results, r => r is null);
        Assert.Single(results.Where(r => r is not null).Distinct());
    }
}
