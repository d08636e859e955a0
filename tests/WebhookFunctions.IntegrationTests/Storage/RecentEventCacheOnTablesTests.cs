using System.Collections.Concurrent;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Storage;

/// <summary>The recent-event cache over the real event table, read and marked concurrently while it evicts.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RecentEventCacheOnTablesTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int Events = 40;
    private const int CacheSize = 10;
    private TestStorage storage = null!;
    private EventTableStore table = null!;

    public async Task InitializeAsync()
    {
        storage = await TestStorage.CreateAsync(azurite);
        table = new EventTableStore(storage.Tables, storage.Blobs, storage.Names, storage.Schedule, RetentionPolicy.Default());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Reads_racing_marks_under_eviction_never_answer_unmarked_after_the_mark_returned()
    {
        var cache = new RecentEventCache(table, maxEvents: CacheSize, maxDataBytes: 1024 * 1024);
        var ids = Enumerable.Range(0, Events).Select(i => $"evt-race-{i}").ToArray();
        foreach (var id in ids)
        {
            Assert.True(await cache.TryAddAsync(new WebhookEvent(id, "order.created", DateTimeOffset.UnixEpoch, null, null, "{}"u8.ToArray(), null), CancellationToken.None));
        }

        var marked = new bool[Events];
        var violations = new ConcurrentQueue<string>();
        var markers = Enumerable.Range(0, Events).Select(i => Task.Run(async () =>
        {
            await cache.MarkNoticeQueuedAsync(ids[i], CancellationToken.None);
            Volatile.Write(ref marked[i], true);
        }));
        var readers = Enumerable.Range(0, 6).Select(reader => Task.Run(async () =>
        {
            var random = new Random(reader);
            for (var n = 0; n < 60; n++)
            {
                var i = random.Next(Events);
                var markedBefore = Volatile.Read(ref marked[i]);
                var read = await cache.GetAsync(ids[i], CancellationToken.None);
                if (markedBefore && read?.NoticeQueued != true)
                {
                    violations.Enqueue($"{ids[i]} read unmarked after its mark returned");
                }
            }
        }));
        await Task.WhenAll(markers.Concat(readers));

        foreach (var id in ids)
        {
            Assert.True((await cache.GetAsync(id, CancellationToken.None))!.NoticeQueued, $"{id} is served unmarked");
            Assert.True((await table.GetAsync(id, CancellationToken.None))!.NoticeQueued, $"{id} is stored unmarked");
        }

        Assert.Empty(violations);
    }
}
