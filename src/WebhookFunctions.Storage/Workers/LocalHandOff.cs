using System.Threading.Channels;
using WebhookFunctions.Storage.Queues;

namespace WebhookFunctions.Storage.Workers;

/// <summary>
/// Lets something in this process give a worker loop a message it already holds (one it sent hidden), as if the loop
/// had received it: the message takes one of the loop's handler slots, so the loop never holds more than it can run.
/// Open only while the loop runs.
/// </summary>
internal sealed class LocalHandOff<T>
    where T : class
{
    private readonly Lock gate = new();
    private ChannelWriter<HeldMessage<T>>? buffer;
    private SemaphoreSlim? slots;

    /// <summary>Takes a handler slot for a message to come; false when the loop is not running or has none free.</summary>
    public bool TryReserve()
    {
        lock (gate)
        {
            return slots is not null && slots.Wait(0);
        }
    }

    /// <summary>Gives back a slot reserved for a message that will not come.</summary>
    public void CancelReservation()
    {
        lock (gate)
        {
            slots?.Release();
        }
    }

    /// <summary>Hands over a message for a reserved slot; false when the loop stopped meanwhile (the caller keeps it).</summary>
    public bool TryHand(HeldMessage<T> message)
    {
        lock (gate)
        {
            return buffer is not null && buffer.TryWrite(message);
        }
    }

    internal void Open(ChannelWriter<HeldMessage<T>> loopBuffer, SemaphoreSlim loopSlots)
    {
        lock (gate)
        {
            buffer = loopBuffer;
            slots = loopSlots;
        }
    }

    internal void Close()
    {
        lock (gate)
        {
            buffer = null;
            slots = null;
        }
    }
}
