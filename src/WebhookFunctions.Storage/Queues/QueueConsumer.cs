using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace WebhookFunctions.Storage.Queues;

/// <summary>
/// Receives messages of one queue and hands back only those ready to process: a body that does not decode, or a
/// message received more than <see cref="maxDequeueCount"/> times, is moved to the poison table; a message received
/// before its due time is sent again with the remaining delay and the early copy deleted (or, due within the
/// queue's one-second granularity, held here until due).
/// </summary>
internal sealed class QueueConsumer<T>(
    QueueClient queue,
    Func<BinaryData, T> decode,
    Func<T, DateTimeOffset?> dueAt,
    PoisonMessageTableStore poison,
    int maxDequeueCount,
    TimeProvider timeProvider,
    ILogger logger)
    where T : class
{
    public const int MaxReceiveBatch = 32;

    public string QueueName => queue.Name;

    public async Task<IReadOnlyList<HeldMessage<T>>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var received = await queue.ReceiveMessagesAsync(Math.Clamp(maxMessages, 1, MaxReceiveBatch), visibilityTimeout, cancellationToken);
        var ready = new List<HeldMessage<T>>(received.Value.Length);
        foreach (var message in received.Value)
        {
            if (await TryTakeAsync(message, cancellationToken) is { } value)
            {
                ready.Add(new HeldMessage<T>(queue, message.MessageId, message.PopReceipt, message.DequeueCount, value, visibilityTimeout, timeProvider, logger));
            }
        }

        return ready;
    }

    /// <summary>The decoded value, or null when the message was moved aside or re-delayed here.</summary>
    private async Task<T?> TryTakeAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        if (message.DequeueCount > maxDequeueCount)
        {
            await MoveToPoisonAsync(message, $"Received {message.DequeueCount} times without being completed.", cancellationToken);
            return default;
        }

        T value;
        try
        {
            value = decode(message.Body);
        }
        catch (FormatException ex)
        {
            await MoveToPoisonAsync(message, ex.Message, cancellationToken);
            return default;
        }

        var remaining = dueAt(value) is { } due ? due - timeProvider.GetUtcNow() : TimeSpan.Zero;
        if (remaining <= TimeSpan.Zero)
        {
            return value;
        }

        if (remaining < QueueLimits.VisibilityGranularity)
        {
            // Due sooner than the queue can delay a message: wait here rather than deliver early or send it again.
            await Task.Delay(remaining, timeProvider, cancellationToken);
            return value;
        }

        var delay = QueueLimits.DelayUntil(timeProvider.GetUtcNow() + remaining, timeProvider.GetUtcNow());
        await queue.SendMessageAsync(message.Body, delay, QueueLimits.NeverExpires, cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        logger.LogDebug("Message {MessageId} of queue {Queue} is due in {Remaining}; re-delayed by {Delay}.", message.MessageId, queue.Name, remaining, delay);
        return default;
    }

    private async Task MoveToPoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        // Stored first, deleted second: a failure in between leaves a copy, never a loss.
        await poison.AddAsync(queue.Name, message.MessageId, message.Body, message.DequeueCount, reason, cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        logger.LogError("Moved message {MessageId} of queue {Queue} to the poison table: {Reason}", message.MessageId, queue.Name, reason);
    }
}
