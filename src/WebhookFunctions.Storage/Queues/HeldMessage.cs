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
    private readonly BinaryData body;
    private readonly TimeSpan visibilityTimeout;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource renewal = new();
    private readonly Task renewalLoop;
    private string popReceipt;

    public HeldMessage(QueueClient queue, string messageId, string popReceipt, long dequeueCount, int faultRetries, BinaryData body, T value, TimeSpan visibilityTimeout, TimeProvider timeProvider, ILogger logger)
    {
        this.queue = queue;
        this.popReceipt = popReceipt;
        this.body = body;
        this.visibilityTimeout = visibilityTimeout;
        this.timeProvider = timeProvider;
        this.logger = logger;
        MessageId = messageId;
        DequeueCount = dequeueCount;
        FaultRetries = faultRetries;
        Value = value;
        renewalLoop = RenewWhileHeldAsync(renewal.Token);
    }

    public string MessageId { get; }

    /// <summary>How many times the queue has handed this message out, this time included.</summary>
    public long DequeueCount { get; }

    /// <summary>How many of the earlier receives ended in a fault retry (<see cref="ReleaseAfterFaultAsync"/>).</summary>
    public int FaultRetries { get; }

    public T Value { get; }

    /// <summary>True once the message was deleted or released; nothing more can be done with it.</summary>
    public bool IsSettled { get; private set; }

    /// <summary>Removes the message for good.</summary>
    public Task DeleteAsync(CancellationToken cancellationToken) =>
        SettleAsync(receipt => queue.DeleteMessageAsync(MessageId, receipt, cancellationToken));

    /// <summary>Lets the message reappear after <paramref name="delay"/> (zero: at once) for another receiver.</summary>
    public Task ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        SettleAsync(receipt => queue.UpdateMessageAsync(MessageId, receipt, visibilityTimeout: delay, cancellationToken: cancellationToken));

    /// <summary>
    /// Lets the message reappear after <paramref name="delay"/> with one more fault retry counted in its body, so
    /// this receive does not count towards the poison limit (<see cref="FaultRetryCount"/>).
    /// </summary>
    public Task ReleaseAfterFaultAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        SettleAsync(receipt => queue.UpdateMessageAsync(MessageId, receipt, FaultRetryCount.With(body, FaultRetries + 1), delay, cancellationToken));

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
                    // Not cancelled once sent: a renewal the queue applied changes the pop receipt, and a settle that
                    // cancelled it mid-flight would then delete or release with a receipt the queue no longer accepts.
                    var response = await queue.UpdateMessageAsync(MessageId, popReceipt, visibilityTimeout: visibilityTimeout, cancellationToken: CancellationToken.None);
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
