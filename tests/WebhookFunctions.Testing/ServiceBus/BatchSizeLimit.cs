using Azure.Messaging.ServiceBus;

namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>The SDK's AmqpMessageBatch accounting, as the add-callback of a <see cref="ServiceBusModelFactory"/> batch.</summary>
internal sealed class BatchSizeLimit(long maxSizeInBytes)
{
    private const int SmallMessageMaxBytes = 255;
    private const int SmallMessageOverheadBytes = 5;
    private const int LargeMessageOverheadBytes = 8;

    private long sizeInBytes;
    private bool envelopeReserved;

    public bool TryAdd(ServiceBusMessage message)
    {
        if (!envelopeReserved)
        {
            sizeInBytes += AmqpEncodedSize.EmptyBatchEnvelope();
            envelopeReserved = true;
        }

        var messageSize = AmqpEncodedSize.Of(message);
        var size = sizeInBytes + messageSize + (messageSize <= SmallMessageMaxBytes ? SmallMessageOverheadBytes : LargeMessageOverheadBytes);
        if (size > maxSizeInBytes)
        {
            return false;
        }

        sizeInBytes = size;
        return true;
    }
}
