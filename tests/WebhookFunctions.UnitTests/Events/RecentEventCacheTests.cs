using System.Collections.Concurrent;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Testing.Engine;

namespace WebhookFunctions.UnitTests.Events;

public class RecentEventCacheTests
{
    [Fact]
    public async Task A_read_that_began_before_a_mark_does_not_keep_what_it_read()
    {
        var inner = new InMemoryEventStore();
        var store = new HeldReadStore(inner);
        var cache = new RecentEventCache(store);
        await inner.TryAddAsync(Event("evt-1"), CancellationToken.None);

        // The read fetches the event unmarked, and is held before it returns; the mark completes meanwhile.
        store.HoldNextRead();
        var read = cache.GetAsync("evt-1", CancellationToken.None);
        await store.ReadFetched;
        await cache.MarkNoticeQueuedAsync("evt-1", CancellationToken.None);
        store.Release();
        Assert.False((await read)!.NoticeQueued);

        Assert.True((await cache.GetAsync("evt-1", CancellationToken.None))!.NoticeQueued);
    }

    [Fact]
    public async Task An_add_overtaken_by_a_mark_does_not_keep_the_unmarked_event()
    {
        var inner = new InMemoryEventStore();
        var store = new HeldReadStore(inner);
        var cache = new RecentEventCache(store);

        store.HoldNextAdd();
        var add = cache.TryAddAsync(Event("evt-1"), CancellationToken.None);
        await store.AddStored;
        await cache.MarkNoticeQueuedAsync("evt-1", CancellationToken.None);
        store.Release();
        Assert.True(await add);

        Assert.True((await cache.GetAsync("evt-1", CancellationToken.None))!.NoticeQueued);
    }

    [Fact]
    public async Task Reads_are_served_from_memory_until_the_event_is_evicted_oldest_first()
    {
        var inner = new InMemoryEventStore();
        var store = new HeldReadStore(inner);
        var cache = new RecentEventCache(store, maxEvents: 4, maxDataBytes: 1024 * 1024);
        for (var i = 0; i < 6; i++)
        {
            await cache.TryAddAsync(Event($"evt-{i}"), CancellationToken.None);
        }

        for (var i = 2; i < 6; i++)
        {
            Assert.Equal($"evt-{i}", (await cache.GetAsync($"evt-{i}", CancellationToken.None))!.Id);
        }

        Assert.Equal(0, store.Reads);

        Assert.Equal("evt-0", (await cache.GetAsync("evt-0", CancellationToken.None))!.Id);
        Assert.Equal(1, store.Reads);
    }

    [Fact]
    public async Task Many_readers_and_markers_under_eviction_pressure_never_see_a_mark_undone()
    {
        const int Keys = 64;
        const int CacheSize = 16;
        var inner = new InMemoryEventStore();
        var store = new JitteryStore(inner);
        var cache = new RecentEventCache(store, maxEvents: CacheSize, maxDataBytes: 1024 * 1024);
        var marked = new bool[Keys];
        var violations = new ConcurrentQueue<string>();

        for (var round = 0; round < 20; round++)
        {
            Array.Clear(marked);
            var ids = Enumerable.Range(0, Keys).Select(i => $"evt-{round}-{i}").ToArray();
            foreach (var id in ids)
            {
                await cache.TryAddAsync(Event(id), CancellationToken.None);
            }

            var markers = Enumerable.Range(0, Keys).Select(async i =>
            {
                await Task.Yield();
                await cache.MarkNoticeQueuedAsync(ids[i], CancellationToken.None);
                Volatile.Write(ref marked[i], true);
            });
            var readers = Enumerable.Range(0, 8).Select(reader => Task.Run(async () =>
            {
                var random = new Random(reader + (round * 100));
                for (var n = 0; n < 200; n++)
                {
                    var i = random.Next(Keys);
                    var markedBefore = Volatile.Read(ref marked[i]);
                    var read = await cache.GetAsync(ids[i], CancellationToken.None);
                    if (read is null || read.Id != ids[i])
                    {
                        violations.Enqueue($"{ids[i]} read as {read?.Id ?? "missing"}");
                    }
                    else if (markedBefore && !read.NoticeQueued)
                    {
                        violations.Enqueue($"{ids[i]} read unmarked after its mark completed");
                    }
                }
            }));
            await Task.WhenAll(markers.Concat(readers));

            // Every mark has completed: no read may answer from a stale copy now.
            foreach (var id in ids)
            {
                if (!(await cache.GetAsync(id, CancellationToken.None))!.NoticeQueued)
                {
                    violations.Enqueue($"{id} read unmarked after all marks completed");
                }
            }
        }

        Assert.Empty(violations);
        Assert.True(store.Reads > 0, "the cache was never under eviction pressure");
    }

    private static WebhookEvent Event(string id) =>
        new(id, "order.created", DateTimeOffset.UnixEpoch, null, null, "{}"u8.ToArray(), null);

    /// <summary>An event store whose next read or add can be held after it has reached the store, as a slow reply would be.</summary>
    private sealed class HeldReadStore(IEventStore inner) : IEventStore
    {
        private readonly TaskCompletionSource fetched = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource stored = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool holdRead;
        private bool holdAdd;
        private int reads;

        public int Reads => Volatile.Read(ref reads);

        public Task ReadFetched => fetched.Task;

        public Task AddStored => stored.Task;

        public void HoldNextRead() => holdRead = true;

        public void HoldNextAdd() => holdAdd = true;

        public void Release() => released.TrySetResult();

        public async Task<bool> TryAddAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            var added = await inner.TryAddAsync(webhookEvent, cancellationToken);
            if (holdAdd)
            {
                holdAdd = false;
                stored.SetResult();
                await released.Task;
            }

            return added;
        }

        public async Task<WebhookEvent?> GetAsync(string eventId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref reads);
            var found = await inner.GetAsync(eventId, cancellationToken);
            if (holdRead)
            {
                holdRead = false;
                fetched.SetResult();
                await released.Task;
            }

            return found;
        }

        public Task MarkNoticeQueuedAsync(string eventId, CancellationToken cancellationToken) =>
            inner.MarkNoticeQueuedAsync(eventId, cancellationToken);
    }

    /// <summary>An event store whose replies arrive after a short, varying delay, so concurrent calls overtake each other.</summary>
    private sealed class JitteryStore(IEventStore inner) : IEventStore
    {
        private int reads;

        public int Reads => Volatile.Read(ref reads);

        public async Task<bool> TryAddAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            var added = await inner.TryAddAsync(webhookEvent, cancellationToken);
            await Jitter();
            return added;
        }

        public async Task<WebhookEvent?> GetAsync(string eventId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref reads);
            var found = await inner.GetAsync(eventId, cancellationToken);
            await Jitter();
            return found;
        }

        public async Task MarkNoticeQueuedAsync(string eventId, CancellationToken cancellationToken)
        {
            await Jitter();
            await inner.MarkNoticeQueuedAsync(eventId, cancellationToken);
            await Jitter();
        }

        private static async Task Jitter()
        {
            for (var spins = Random.Shared.Next(4); spins > 0; spins--)
            {
                await Task.Yield();
            }
        }
    }
}
