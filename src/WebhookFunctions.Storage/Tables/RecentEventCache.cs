using System.Collections.Concurrent;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Retention;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Keeps the most recently stored or read events in memory (events never change once accepted, but for the
/// NoticeQueued mark, which is kept current here), so the delivery jobs
/// of an event just published, or of one fanned out to many jobs, do not read the table each. Bounded by the bytes of
/// event data held; the oldest entries go first. An event past its retention is not returned, cached or not, so it
/// vanishes for every reader at once, before the sweeper removes it.
/// </summary>
internal sealed class RecentEventCache(EventTableStore store, RetentionPolicy retention) : IEventStore
{
    public const long MaxDataBytes = 32 * 1024 * 1024;
    public const int MaxEvents = 20_000;

    private readonly ConcurrentDictionary<string, WebhookEvent> events = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Id, int Bytes)> insertionOrder = new();
    private long heldBytes;

    public async Task<bool> TryAddAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var added = await store.TryAddAsync(webhookEvent, cancellationToken);
        if (added)
        {
            Remember(webhookEvent);
        }

        return added;
    }

    public async Task<WebhookEvent?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        if (events.TryGetValue(eventId, out var cached) && !retention.IsEventExpired(cached.AcceptedAt))
        {
            return cached;
        }

        var stored = await store.GetAsync(eventId, cancellationToken);
        if (stored is null || retention.IsEventExpired(stored.AcceptedAt))
        {
            return null;
        }

        Remember(stored);
        return stored;
    }

    public async Task MarkNoticeQueuedAsync(string eventId, CancellationToken cancellationToken)
    {
        await store.MarkNoticeQueuedAsync(eventId, cancellationToken);
        if (events.TryGetValue(eventId, out var cached))
        {
            events.TryUpdate(eventId, cached with { NoticeQueued = true }, cached);
        }
    }

    private void Remember(WebhookEvent webhookEvent)
    {
        if (webhookEvent.Data.Length > MaxDataBytes / 64 || !events.TryAdd(webhookEvent.Id, webhookEvent))
        {
            return;
        }

        insertionOrder.Enqueue((webhookEvent.Id, webhookEvent.Data.Length));
        Interlocked.Add(ref heldBytes, webhookEvent.Data.Length);
        while ((Interlocked.Read(ref heldBytes) > MaxDataBytes || events.Count > MaxEvents) && insertionOrder.TryDequeue(out var oldest))
        {
            events.TryRemove(oldest.Id, out _);
            Interlocked.Add(ref heldBytes, -oldest.Bytes);
        }
    }
}
