using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;

namespace WebhookFunctions.Storage.Queues;

/// <summary>
/// A received, decoded message kept invisible while it is held: its visibility is renewed every third of the
/// visibility timeout until it is deleted or released. Each renewal changes the pop receipt, so every operation on
/// the message goes through here, one at a time.
/// </summary>
internal sealed class HeldMessage<T> : IAsyncDisposable
    where T : class
{
    private readonly QueueClient queue;
    private readonly TimeSpan visibilityTimeout;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource renewal = new();
    private readonly Task renewalLoop;
    private string popReceipt;

    public HeldMessage(QueueClient queue, string messageId, string popReceipt, long dequeueCount, T value, TimeSpan visibilityTimeout, TimeProvider timeProvider, ILogger logger)
    {
        this.queue = queue;
        this.popReceipt = popReceipt;
        this.visibilityTimeout = visibilityTimeout;
        this.timeProvider = timeProvider;
        this.logger = logger;
        MessageId = messageId;
        DequeueCount = dequeueCount;
        Value = value;
        renewalLoop = RenewWhileHeldAsync(renewal.Token);
    }

    public string MessageId { get; }

    public long DequeueCount { get; }

    public T Value { get; }

    /// <summary>True once the message was deleted or released; nothing more can be done with it.</summary>
    public bool IsSettled { get; private set; }

    /// <summary>Removes the message for good.</summary>
    public Task DeleteAsync(CancellationToken cancellationToken) =>
        SettleAsync(receipt => queue.DeleteMessageAsync(MessageId, receipt, cancellationToken));

    /// <summary>Lets the message reappear after <paramref name="delay"/> (zero: at once) for another receiver.</summary>
    public Task ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        SettleAsync(receipt => queue.UpdateMessageAsync(MessageId, receipt, visibilityTimeout: delay, cancellationToken: cancellationToken));

    public async ValueTask DisposeAsync()
    {
        await renewal.CancelAsync();
        await renewalLoop;
        renewal.Dispose();
        gate.Dispose();
    }

    private async Task SettleAsync(Func<string, Task> operation)
    {
        await renewal.CancelAsync();
        await gate.WaitAsync(CancellationToken.None);
        try
        {
            if (IsSettled)
            {
                throw new InvalidOperationException($"Message {MessageId} was already deleted or released.");
            }

            await operation(popReceipt);
            IsSettled = true;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task RenewWhileHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(visibilityTimeout / 3, timeProvider, cancellationToken);
                await gate.WaitAsync(cancellationToken);
                try
                {
                    var response = await queue.UpdateMessageAsync(MessageId, popReceipt, visibilityTimeout: visibilityTimeout, cancellationToken: cancellationToken);
                    popReceipt = response.Value.PopReceipt;
                }
                finally
                {
                    gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The message reappears when its current visibility ends; a second receiver may then process it again.
            logger.LogWarning(ex, "Could not keep message {MessageId} of queue {Queue} invisible.", MessageId, queue.Name);
        }
    }
}
