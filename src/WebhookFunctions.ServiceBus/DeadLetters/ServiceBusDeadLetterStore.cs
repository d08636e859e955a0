using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.ServiceBus.DeadLetters;

/// <summary>
/// Dead letters are the deliveries queue's dead-letter sub-queue: listed by peeking (nothing is locked), replayed by
/// receiving in peek-lock, requeueing and then completing. Each call looks at no more than <see cref="ScanLimit"/>
/// messages, so one call always ends.
/// </summary>
internal sealed class ServiceBusDeadLetterStore(ServiceBusClient client) : IDeadLetterStore
{
    internal const int ScanLimit = 1000;
    private const int PageSize = 100;
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(2);

    public async Task<Page<DeadLetter>> ListAsync(DeadLetterFilter filter, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var next = DeadLetterCursor.Decode(continuationToken);
        var items = new List<DeadLetter>();
        await using var receiver = CreateDeadLetterReceiver();
        var scanned = 0;
        while (items.Count < limit && scanned < ScanLimit)
        {
            var page = await receiver.PeekMessagesAsync(Math.Min(PageSize, ScanLimit - scanned), next, cancellationToken);
            if (page.Count == 0)
            {
                return new Page<DeadLetter>(items, null);
            }

            foreach (var message in page)
            {
                scanned++;
                next = message.SequenceNumber + 1;
                if (Read(message) is { } deadLetter && filter.Matches(deadLetter))
                {
                    items.Add(deadLetter);
                    if (items.Count == limit)
                    {
                        break;
                    }
                }
            }
        }

        return new Page<DeadLetter>(items, DeadLetterCursor.Encode(next ?? 0));
    }

    public async Task<ReplayCount> ReplayAsync(DeadLetterFilter filter, bool dryRun, Func<DeadLetter, CancellationToken, Task<bool>> requeue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(requeue);
        return dryRun ? new ReplayCount(await CountMatchesAsync(filter, cancellationToken), 0) : await ReplayMatchesAsync(filter, requeue, cancellationToken);
    }

    private async Task<int> CountMatchesAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        await using var receiver = CreateDeadLetterReceiver();
        long? next = null;
        var (scanned, matched) = (0, 0);
        while (scanned < ScanLimit)
        {
            var page = await receiver.PeekMessagesAsync(Math.Min(PageSize, ScanLimit - scanned), next, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            scanned += page.Count;
            next = page[^1].SequenceNumber + 1;
            matched += page.Count(message => Read(message) is { } deadLetter && filter.Matches(deadLetter));
        }

        return matched;
    }

    /// <summary>
    /// Messages that do not match stay locked until the end, so the same call does not receive them again; they are
    /// then abandoned (a lock that expires first has the same effect). A matching one leaves the sub-queue only
    /// after <paramref name="requeue"/> returned.
    /// </summary>
    private async Task<ReplayCount> ReplayMatchesAsync(DeadLetterFilter filter, Func<DeadLetter, CancellationToken, Task<bool>> requeue, CancellationToken cancellationToken)
    {
        await using var receiver = CreateDeadLetterReceiver();
        var held = new List<ServiceBusReceivedMessage>();
        var seen = new HashSet<long>();
        var (received, matched, replayed) = (0, 0, 0);
        try
        {
            while (received < ScanLimit)
            {
                var batch = await receiver.ReceiveMessagesAsync(Math.Min(PageSize, ScanLimit - received), ReceiveWait, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                received += batch.Count;
                foreach (var message in batch)
                {
                    held.Add(message);
                    if (!seen.Add(message.SequenceNumber) || Read(message) is not { } deadLetter || !filter.Matches(deadLetter))
                    {
                        continue;
                    }

                    matched++;
                    if (!await requeue(deadLetter, cancellationToken))
                    {
                        continue;
                    }

                    await receiver.CompleteMessageAsync(message, cancellationToken);
                    held.Remove(message);
                    replayed++;
                }
            }
        }
        finally
        {
            await AbandonAsync(receiver, held);
        }

        return new ReplayCount(matched, replayed);
    }

    private static async Task AbandonAsync(ServiceBusReceiver receiver, List<ServiceBusReceivedMessage> held)
    {
        foreach (var message in held)
        {
            try
            {
                await receiver.AbandonMessageAsync(message, cancellationToken: CancellationToken.None);
            }
            catch (ServiceBusException)
            {
                // Best effort: a lock that runs out releases the message to the sub-queue all the same.
            }
        }
    }

    private ServiceBusReceiver CreateDeadLetterReceiver() =>
        client.CreateReceiver(MessagingNames.Deliveries, new ServiceBusReceiverOptions
        {
            SubQueue = SubQueue.DeadLetter,
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            PrefetchCount = 0,
        });

    private static DeadLetter? Read(ServiceBusReceivedMessage message) =>
        DeadLetteredMessageReader.Read(
            message.ApplicationProperties,
            message.DeadLetterReason,
            message.DeadLetterErrorDescription,
            message.Body.ToMemory().Span,
            message.EnqueuedTime);
}
