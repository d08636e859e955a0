using System.Collections.Concurrent;

namespace WebhookFunctions.Samples.Receiver;

/// <summary>One webhook as it arrived, verified; <see cref="Duplicates"/> counts later copies with the same webhook-id.</summary>
public sealed record ReceivedWebhook(string Id, string? Type, DateTimeOffset ReceivedAt, string Body)
{
    private int duplicates;

    public int Duplicates => Volatile.Read(ref duplicates);

    internal void CountDuplicate() => Interlocked.Increment(ref duplicates);
}

/// <summary>
/// What arrived, keyed by webhook-id: the sender keeps the id on every retry, so a second copy is recognised and not
/// handled again. Holds the last <see cref="Capacity"/> ids.
/// </summary>
public sealed class ReceivedWebhooks
{
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, ReceivedWebhook> byId = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> arrivalOrder = new();

    /// <summary>Records the webhook; false (and counted on the first copy) when its id was seen before.</summary>
    public bool TryAdd(ReceivedWebhook webhook)
    {
        if (!byId.TryAdd(webhook.Id, webhook))
        {
            byId.GetValueOrDefault(webhook.Id)?.CountDuplicate();
            return false;
        }

        arrivalOrder.Enqueue(webhook.Id);
        while (arrivalOrder.Count > Capacity && arrivalOrder.TryDequeue(out var oldest))
        {
            byId.TryRemove(oldest, out _);
        }

        return true;
    }

    public IReadOnlyList<ReceivedWebhook> All() =>
        arrivalOrder.Select(id => byId.GetValueOrDefault(id)).OfType<ReceivedWebhook>().ToList();
}
