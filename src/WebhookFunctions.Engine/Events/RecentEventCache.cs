using System.Collections.Concurrent;
using WebhookFunctions.Engine.Retention;

namespace WebhookFunctions.Engine.Events;

/// <summary>
/// Keeps the most recently stored or read events in memory (events never change once accepted, but for the
/// NoticeQueued mark, which is kept current here), so the delivery jobs of an event just published, or of one fanned
/// out to many jobs, do not read the table each. Bounded by the number of events and the bytes of event data held;
/// the oldest entries go first. An event past its retention is not returned, cached or not, so it vanishes for every
/// reader at once, before the sweeper removes it.
/// </summary>
/// <remarks>
/// A read or add that reached the store before a mark of the same event completed may carry the unmarked copy; it
/// answers its caller but is not kept, so once a mark through this cache has returned, every read sees it. Writes
/// count per stripe of event ids, so memory stays bounded; a write to another id of the same stripe only costs a
/// read that is not kept.
/// </remarks>
public sealed class RecentEventCache(IEventStore store, int maxEvents, long maxDataBytes, RetentionPolicy? retention = null) : IEventStore
{
    public const long DefaultMaxDataBytes = 32 * 1024 * 1024;
    public const int DefaultMaxEvents = 20_000;

    private const int WriteStripes = 256;

    private readonly ConcurrentDictionary<string, WebhookEvent> events = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, int Bytes)> insertionOrder = new();
    private readonly long[] writeGenerations = new long[WriteStripes];
    private readonly Lock gate = new();
    private long heldBytes;

    public RecentEventCache(IEventStore store)
        : this(store, DefaultMaxEvents, DefaultMaxDataBytes)
    {
    }

    public RecentEventCache(IEventStore store, RetentionPolicy retention)
        : this(store, DefaultMaxEvents, DefaultMaxDataBytes, retention)
    {
    }

    public async Task<bool> TryAddAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        var generation = WriteGeneration(webhookEvent.Id);
        var added = await store.TryAddAsync(webhookEvent, cancellationToken);
        if (added)
        {
            Remember(webhookEvent, generation);
        }

        return added;
    }

    public async Task<WebhookEvent?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        if (events.TryGetValue(eventId, out var cached) && !Expired(cached))
        {
            return cached;
        }

        var generation = WriteGeneration(eventId);
        var stored = await store.GetAsync(eventId, cancellationToken);
        if (stored is null || Expired(stored))
        {
            return null;
        }

        Remember(stored, generation);
        return stored;
    }

    public async Task MarkNoticeQueuedAsync(string eventId, CancellationToken cancellationToken)
    {
        var marked = false;
        try
        {
            await store.MarkNoticeQueuedAsync(eventId, cancellationToken);
            marked = true;
        }
        finally
        {
            lock (gate)
            {
                writeGenerations[Stripe(eventId)]++;

                // A failed mark may still have reached the store; the unmarked copy only costs a repeated notice.
                if (marked && events.TryGetValue(eventId, out var cached))
                {
                    events[eventId] = cached with { NoticeQueued = true };
                }
            }
        }
    }

    private static int Stripe(string eventId) => (int)((uint)StringComparer.Ordinal.GetHashCode(eventId) % WriteStripes);

    private bool Expired(WebhookEvent webhookEvent) => retention?.IsEventExpired(webhookEvent.AcceptedAt) ?? false;

    private long WriteGeneration(string eventId)
    {
        lock (gate)
        {
            return writeGenerations[Stripe(eventId)];
        }
    }

    // Keeps what was read or added, unless a write of its stripe completed since the read or add began.
    private void Remember(WebhookEvent webhookEvent, long generation)
    {
        if (webhookEvent.Data.Length > maxDataBytes / 64)
        {
            return;
        }

        lock (gate)
        {
            if (writeGenerations[Stripe(webhookEvent.Id)] != generation || !events.TryAdd(webhookEvent.Id, webhookEvent))
            {
                return;
            }

            insertionOrder.Enqueue((webhookEvent.Id, webhookEvent.Data.Length));
            heldBytes += webhookEvent.Data.Length;
            while ((heldBytes > maxDataBytes || insertionOrder.Count > maxEvents) && insertionOrder.TryDequeue(out var oldest))
            {
                events.TryRemove(oldest.Id, out _);
                heldBytes -= oldest.Bytes;
            }
        }
    }
}
