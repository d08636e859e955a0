using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.ServiceBus.DeadLetters;

/// <summary>
/// Dead letters are two dead-letter sub-queues: the deliveries queue's (<see cref="DeadLetterStage.Delivery"/>, one
/// subscription each) and the events topic's fan-out subscription's (<see cref="DeadLetterStage.FanOut"/>, notices
/// never fanned out), listed in that order. Listing peeks (nothing is locked); replay receives in peek-lock, requeues
/// and then completes; purge peeks the listing's page and then receives and completes those messages. Each call peeks
/// or (replay) receives no more than <see cref="ScanLimit"/> messages in all, so one call always ends; a purge then
/// also receives what lies in front of its page in the sub-queue, which cannot be skipped.
/// </summary>
internal sealed class ServiceBusDeadLetterStore(ServiceBusClient client) : IDeadLetterStore
{
    internal const int ScanLimit = 1000;
    private const int PageSize = 100;
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(2);
    private static readonly DeadLetterStage[] Sources = [DeadLetterStage.Delivery, DeadLetterStage.FanOut];

    public async Task<Page<DeadLetter>> ListAsync(DeadLetterFilter filter, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        var (items, next) = await PeekPageAsync(filter, limit, continuationToken, cancellationToken);
        return new Page<DeadLetter>(items.ConvertAll(item => item.DeadLetter), next);
    }

    /// <summary>
    /// The listing's page, found by peeking, is then received and completed by sequence number
    /// (<see cref="SequenceNumberCompletion"/>); the token is the listing's, so a purge continues where its listing would.
    /// </summary>
    public async Task<PurgeReport> PurgeAsync(DeadLetterFilter filter, int limit, string? continuationToken, bool dryRun, CancellationToken cancellationToken)
    {
        var (items, next) = await PeekPageAsync(filter, limit, continuationToken, cancellationToken);
        if (dryRun)
        {
            return new PurgeReport(items.Count, 0, next);
        }

        var purged = 0;
        foreach (var source in items.GroupBy(item => item.Source))
        {
            await using var receiver = CreateDeadLetterReceiver(source.Key);
            purged += await SequenceNumberCompletion.CompleteAsync(receiver, source.Select(item => item.SequenceNumber), ReceiveWait, cancellationToken);
        }

        return new PurgeReport(items.Count, purged, next);
    }

    /// <summary>One page of matches by peeking (nothing is locked), each with where it is, and the cursor after it.</summary>
    private async Task<(List<Peeked> Items, string? ContinuationToken)> PeekPageAsync(DeadLetterFilter filter, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var cursor = DeadLetterCursor.Decode(continuationToken);
        var items = new List<Peeked>();
        var scanned = 0;
        foreach (var source in SourcesFor(filter).Where(source => cursor is null || source >= cursor.Value.Source))
        {
            long? next = cursor is { } at && at.Source == source ? at.NextSequenceNumber : null;
            await using var receiver = CreateDeadLetterReceiver(source);
            while (true)
            {
                if (items.Count == limit || scanned == ScanLimit)
                {
                    return (items, DeadLetterCursor.Encode(source, next ?? 0));
                }

                var page = await receiver.PeekMessagesAsync(Math.Min(PageSize, ScanLimit - scanned), next, cancellationToken);
                if (page.Count == 0)
                {
                    break;
                }

                foreach (var message in page)
                {
                    scanned++;
                    next = message.SequenceNumber + 1;
                    if (Read(source, message) is { } deadLetter && filter.Matches(deadLetter))
                    {
                        items.Add(new Peeked(source, message.SequenceNumber, deadLetter));
                        if (items.Count == limit)
                        {
                            break;
                        }
                    }
                }
            }
        }

        return (items, null);
    }

    public async Task<ReplayCount> ReplayAsync(DeadLetterFilter filter, bool dryRun, Func<DeadLetter, CancellationToken, Task<bool>> requeue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(requeue);
        var budget = new ScanBudget();
        var (matched, replayed) = (0, 0);
        foreach (var source in SourcesFor(filter))
        {
            var count = dryRun
                ? new ReplayCount(await CountMatchesAsync(source, filter, budget, cancellationToken), 0)
                : await ReplayMatchesAsync(source, filter, requeue, budget, cancellationToken);
            matched += count.Matched;
            replayed += count.Replayed;
        }

        return new ReplayCount(matched, replayed);
    }

    /// <summary>A subscription filter selects deliveries only, and a stage filter its own sub-queue: the other is not even peeked.</summary>
    private static IEnumerable<DeadLetterStage> SourcesFor(DeadLetterFilter filter) =>
        Sources.Where(source => (filter.Stage is null || filter.Stage == source)
            && (filter.SubscriptionId is null || source == DeadLetterStage.Delivery));

    private async Task<int> CountMatchesAsync(DeadLetterStage source, DeadLetterFilter filter, ScanBudget budget, CancellationToken cancellationToken)
    {
        await using var receiver = CreateDeadLetterReceiver(source);
        long? next = null;
        var matched = 0;
        while (budget.Left > 0)
        {
            var page = await receiver.PeekMessagesAsync(Math.Min(PageSize, budget.Left), next, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            budget.Used += page.Count;
            next = page[^1].SequenceNumber + 1;
            matched += page.Count(message => Read(source, message) is { } deadLetter && filter.Matches(deadLetter));
        }

        return matched;
    }

    /// <summary>
    /// Messages that do not match stay locked until the end, so the same call does not receive them again; they are
    /// then abandoned (a lock that expires first has the same effect). A matching one leaves the sub-queue only
    /// after <paramref name="requeue"/> returned.
    /// </summary>
    private async Task<ReplayCount> ReplayMatchesAsync(
        DeadLetterStage source,
        DeadLetterFilter filter,
        Func<DeadLetter, CancellationToken, Task<bool>> requeue,
        ScanBudget budget,
        CancellationToken cancellationToken)
    {
        await using var receiver = CreateDeadLetterReceiver(source);
        var held = new List<ServiceBusReceivedMessage>();
        var seen = new HashSet<long>();
        var (matched, replayed) = (0, 0);
        try
        {
            while (budget.Left > 0)
            {
                var batch = await receiver.ReceiveMessagesAsync(Math.Min(PageSize, budget.Left), ReceiveWait, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                budget.Used += batch.Count;
                foreach (var message in batch)
                {
                    held.Add(message);
                    if (!seen.Add(message.SequenceNumber) || Read(source, message) is not { } deadLetter || !filter.Matches(deadLetter))
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

    internal static async Task AbandonAsync(ServiceBusReceiver receiver, IEnumerable<ServiceBusReceivedMessage> held)
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

    private ServiceBusReceiver CreateDeadLetterReceiver(DeadLetterStage source)
    {
        var options = new ServiceBusReceiverOptions
        {
            SubQueue = SubQueue.DeadLetter,
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            PrefetchCount = 0,
        };
        return source == DeadLetterStage.FanOut
            ? client.CreateReceiver(MessagingNames.Events, MessagingNames.FanOutSubscription, options)
            : client.CreateReceiver(MessagingNames.Deliveries, options);
    }

    private static DeadLetter? Read(DeadLetterStage source, ServiceBusReceivedMessage message) => source == DeadLetterStage.FanOut
        ? DeadLetteredMessageReader.ReadFanOut(
            message.ApplicationProperties,
            message.DeadLetterReason,
            message.DeadLetterErrorDescription,
            message.Body.ToMemory().Span,
            message.EnqueuedTime,
            message.DeliveryCount)
        : DeadLetteredMessageReader.Read(
            message.ApplicationProperties,
            message.DeadLetterReason,
            message.DeadLetterErrorDescription,
            message.Body.ToMemory().Span,
            message.EnqueuedTime);

    private sealed record Peeked(DeadLetterStage Source, long SequenceNumber, DeadLetter DeadLetter);

    /// <summary>What one call may still look at, shared by both sub-queues.</summary>
    private sealed class ScanBudget
    {
        public int Used { get; set; }

        public int Left => ScanLimit - Used;
    }
}
