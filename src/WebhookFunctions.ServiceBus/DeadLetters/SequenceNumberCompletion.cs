using Azure.Messaging.ServiceBus;

namespace WebhookFunctions.ServiceBus.DeadLetters;

/// <summary>
/// Completes chosen messages of a dead-letter sub-queue, named by sequence number. Service Bus takes a message by its
/// sequence number only when it was deferred, so the messages are reached by receiving from the head in peek-lock:
/// every message that is not a target is held, so the same call does not receive it twice, and abandoned at the end
/// (it keeps its place; the delivery count it gains dead-letters nothing in a dead-letter sub-queue).
/// </summary>
internal static class SequenceNumberCompletion
{
    private const int BatchSize = 100;

    /// <summary>
    /// Receives until every target is completed, or the sub-queue gives nothing more, or a batch reaches past the last
    /// target (a sub-queue hands messages out in sequence order, so the missing ones were taken meanwhile or are locked
    /// by another receiver), or a message comes a second time (the first held locks are running out).
    /// </summary>
    /// <returns>How many targets were completed; one taken meanwhile (by a replay) or whose lock was lost is not.</returns>
    public static async Task<int> CompleteAsync(ServiceBusReceiver receiver, IEnumerable<long> sequenceNumbers, TimeSpan receiveWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        var targets = sequenceNumbers.ToHashSet();
        if (targets.Count == 0)
        {
            return 0;
        }

        var last = targets.Max();
        var held = new List<ServiceBusReceivedMessage>();
        var seen = new HashSet<long>();
        var completed = 0;
        try
        {
            while (targets.Count > 0)
            {
                var batch = await receiver.ReceiveMessagesAsync(BatchSize, receiveWait, cancellationToken);
                var repeated = false;
                foreach (var message in batch)
                {
                    repeated |= !seen.Add(message.SequenceNumber);
                    if (targets.Remove(message.SequenceNumber) && await TryCompleteAsync(receiver, message, cancellationToken))
                    {
                        completed++;
                    }
                    else
                    {
                        held.Add(message);
                    }
                }

                if (batch.Count == 0 || repeated || batch.Any(message => message.SequenceNumber > last))
                {
                    break;
                }
            }
        }
        finally
        {
            await ServiceBusDeadLetterStore.AbandonAsync(receiver, held);
        }

        return completed;
    }

    private static async Task<bool> TryCompleteAsync(ServiceBusReceiver receiver, ServiceBusReceivedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await receiver.CompleteMessageAsync(message, cancellationToken);
            return true;
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessageLockLost)
        {
            // The lock ran out first: the message is back in the sub-queue, for a later purge.
            return false;
        }
    }
}
