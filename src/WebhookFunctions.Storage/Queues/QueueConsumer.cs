using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Telemetry;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.Storage.Queues;

/// <summary>
/// Receives messages of one queue and hands back only those ready to process. A body that does not decode is moved
/// to the poison table (nothing the API accepted looks like that). A message received more than
/// <see cref="maxDequeueCount"/> times, fault retries not counted, becomes the dead letters of its stage, which the
/// API lists and replays. A message received before its due time is sent again with the remaining delay and the
/// early copy deleted (or, due within the queue's one-second granularity, held here until due).
/// </summary>
internal sealed class QueueConsumer<T>(
    QueueClient queue,
    QueueMessageFormat<T> format,
    DeadLetterTableStore deadLetters,
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
            WebhookTelemetry.MessageDeliveryCount.Record(message.DequeueCount, new KeyValuePair<string, object?>("queue", queue.Name));
            try
            {
                if (await TryTakeAsync(message, cancellationToken) is { } taken)
                {
                    ready.Add(new HeldMessage<T>(queue, message.MessageId, message.PopReceipt, message.DequeueCount, taken.FaultRetries, message.Body, taken.Value, visibilityTimeout, timeProvider, logger));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One message that could not be moved aside or re-delayed must not cost the rest of the batch: it
                // stays invisible until its visibility timeout ends and is looked at again then.
                logger.LogWarning(ex, "Could not take message {MessageId} of queue {Queue}; it reappears when its visibility ends.", message.MessageId, queue.Name);
            }
        }

        return ready;
    }

    /// <summary>The decoded value and its fault retries, or null when the message was moved aside or re-delayed here.</summary>
    private async Task<(T Value, int FaultRetries)?> TryTakeAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        T value;
        try
        {
            value = format.Decode(message.Body);
        }
        catch (FormatException ex)
        {
            await MoveToPoisonAsync(message, ex.Message, cancellationToken);
            return null;
        }

        // Receives that ended in a fault retry say nothing about the message: only the others count towards the limit.
        var faultRetries = FaultRetryCount.Read(message.Body);
        if (message.DequeueCount - faultRetries > maxDequeueCount)
        {
            await DeadLetterAsync(message, value, faultRetries, cancellationToken);
            return null;
        }

        var remaining = format.DueAt(value) is { } due ? due - timeProvider.GetUtcNow() : TimeSpan.Zero;
        if (remaining <= TimeSpan.Zero)
        {
            return (value, faultRetries);
        }

        if (remaining < QueueLimits.VisibilityGranularity)
        {
            // Due sooner than the queue can delay a message: wait here rather than deliver early or send it again.
            await Task.Delay(remaining, timeProvider, cancellationToken);
            return (value, faultRetries);
        }

        var delay = QueueLimits.DelayUntil(timeProvider.GetUtcNow() + remaining, timeProvider.GetUtcNow());
        await queue.SendMessageAsync(message.Body, delay, QueueLimits.NeverExpires, cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        logger.LogDebug("Message {MessageId} of queue {Queue} is due in {Remaining}; re-delayed by {Delay}.", message.MessageId, queue.Name, remaining, delay);
        return null;
    }

    private async Task DeadLetterAsync(QueueMessage message, T value, int faultRetries, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var why = faultRetries == 0
            ? $"received {message.DequeueCount} times without being completed"
            : $"received {message.DequeueCount} times without being completed ({faultRetries} of them fault retries)";
        var parked = format.DeadLettersOf(value, new GaveUp(why, (int)message.DequeueCount, message.InsertedOn ?? now, now));

        // Stored first, deleted second: a failure in between leaves a copy, never a loss.
        foreach (var deadLetter in parked)
        {
            await deadLetters.AddAsync(deadLetter, cancellationToken);
        }

        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        logger.LogError("Message {MessageId} of queue {Queue} was {Why}; parked as {Count} dead letters.", message.MessageId, queue.Name, why, parked.Count);
    }

    private async Task MoveToPoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        // Stored first, deleted second: a failure in between leaves a copy, never a loss.
        await poison.AddAsync(queue.Name, message.MessageId, message.Body, message.DequeueCount, reason, cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        logger.LogError("Moved message {MessageId} of queue {Queue} to the poison table: {Reason}", message.MessageId, queue.Name, reason);
    }
}
