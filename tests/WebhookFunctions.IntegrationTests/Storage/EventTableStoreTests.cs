using System.Text;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class EventTableStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private TestStorage storage = null!;
    private EventTableStore store = null!;

    public async Task InitializeAsync()
    {
        storage = await TestStorage.CreateAsync(azurite);
        store = new EventTableStore(storage.Tables, storage.Blobs, storage.Names, storage.Schedule, RetentionPolicy.Default());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_small_event_round_trips_inline_without_a_blob()
    {
        var stored = NewEvent("evt-1", Encoding.UTF8.GetBytes("""{"orderId":42}"""));

        Assert.True(await store.TryAddAsync(stored, CancellationToken.None));
        var read = await store.GetAsync("evt-1", CancellationToken.None);

        AssertSameEvent(stored, read);
        Assert.Empty(await ListPayloadBlobsAsync());
    }

    [Fact]
    public async Task A_200_KiB_event_round_trips_through_a_payload_blob()
    {
        var stored = NewEvent("evt-big", LargeJson(200 * 1024));

        Assert.True(await store.TryAddAsync(stored, CancellationToken.None));
        var read = await store.GetAsync("evt-big", CancellationToken.None);

        AssertSameEvent(stored, read);
        Assert.Single(await ListPayloadBlobsAsync());
    }

    [Fact]
    public async Task A_duplicate_id_returns_false_and_keeps_the_first_event_and_its_payload()
    {
        var first = NewEvent("evt-1", LargeJson(100 * 1024));
        await store.TryAddAsync(first, CancellationToken.None);

        var added = await store.TryAddAsync(NewEvent("evt-1", LargeJson(90 * 1024)) with { Type = "other.type" }, CancellationToken.None);

        Assert.False(added);
        AssertSameEvent(first, await store.GetAsync("evt-1", CancellationToken.None));
        Assert.Single(await ListPayloadBlobsAsync());
    }

    [Fact]
    public async Task Marking_the_notice_queued_is_read_back_and_changes_nothing_else()
    {
        var stored = NewEvent("evt-marked", "{\"a\":1}"u8.ToArray());
        await store.TryAddAsync(stored, CancellationToken.None);
        Assert.False((await store.GetAsync("evt-marked", CancellationToken.None))!.NoticeQueued);

        await store.MarkNoticeQueuedAsync("evt-marked", CancellationToken.None);

        var read = await store.GetAsync("evt-marked", CancellationToken.None);
        Assert.True(read!.NoticeQueued);
        AssertSameEvent(stored, read with { NoticeQueued = false });
    }

    [Fact]
    public async Task An_unknown_event_reads_as_null()
    {
        Assert.Null(await store.GetAsync("missing", CancellationToken.None));
    }

    private static WebhookEvent NewEvent(string id, byte[] data) =>
        new(id, "order.created", Now, "orders/42", "/shop", data, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

    private static byte[] LargeJson(int size) =>
        Encoding.UTF8.GetBytes("{\"blob\":\"" + new string('x', size - 11) + "\"}");

    private static void AssertSameEvent(WebhookEvent expected, WebhookEvent? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.TraceParent, actual.TraceParent);
        Assert.True(expected.Data.Span.SequenceEqual(actual.Data.Span), "The data differs.");
    }

    private async Task<List<string>> ListPayloadBlobsAsync()
    {
        var names = new List<string>();
        await foreach (var blob in storage.Blobs.GetBlobContainerClient(storage.Names.EventPayloadsContainer).GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
