using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.Storage.Queues;

namespace WebhookFunctions.Storage.Workers;

/// <summary>
/// Receives from one queue and runs a handler on up to <c>concurrency</c> messages at once, holding at most one
/// receive batch in reserve. On stop it receives no more, lets handlers in flight finish (until the processing token
/// is cancelled), and makes messages received but not started visible again at once. A <see cref="LocalHandOff{T}"/>
/// lets this process add messages it holds already, each taking a slot as a received one does.
/// </summary>
internal sealed class QueueWorkerLoop<T>(
    QueueConsumer<T> consumer,
    int concurrency,
    int receiveBatchSize,
    WorkerOptions options,
    TransientFaultClassifier faults,
    FaultBackoff faultBackoff,
    TimeProvider timeProvider,
    ILogger logger,
    LocalHandOff<T>? handOff = null)
    where T : class
{
    /// <summary>
    /// Runs until <paramref name="stopping"/> is cancelled. The handler settles the message (delete or release). One
    /// that throws a transient fault of a dependency gets a fault retry: the message reappears after
    /// <see cref="FaultBackoff"/>, and the receive does not count towards <see cref="WorkerOptions.MaxDequeueCount"/>.
    /// One that throws anything else, or returns without settling, leaves the message to reappear after
    /// <see cref="WorkerOptions.RetryDelayAfterError"/>, counted.
    /// </summary>
    public async Task RunAsync(Func<HeldMessage<T>, CancellationToken, Task> handle, CancellationToken stopping, CancellationToken processing)
    {
        using var slots = new SemaphoreSlim(concurrency + receiveBatchSize);
        var buffer = Channel.CreateUnbounded<HeldMessage<T>>(new UnboundedChannelOptions { SingleWriter = handOff is null });
        var handlers = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => HandleUntilStoppedAsync(buffer.Reader, slots, handle, stopping, processing), CancellationToken.None))
            .ToList();

        handOff?.Open(buffer.Writer, slots);
        try
        {
            await ReceiveUntilStoppedAsync(buffer, slots, stopping, processing);
        }
        finally
        {
            handOff?.Close();
        }

        buffer.Writer.Complete();
        await Task.WhenAll(handlers);
        await ReleaseUnstartedAsync(buffer.Reader);
    }

    private async Task ReceiveUntilStoppedAsync(Channel<HeldMessage<T>> buffer, SemaphoreSlim slots, CancellationToken stopping, CancellationToken processing)
    {
        // While received messages still wait for a handler, receive only once half a batch is wanted: one call per
        // freed slot would cost a receive per message.
        var worthwhileBatch = Math.Max(1, receiveBatchSize / 2);
        var pollDelay = options.MinPollDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stopping);
                var wanted = 1;
                while (wanted < receiveBatchSize)
                {
                    if (slots.Wait(0))
                    {
                        wanted++;
                    }
                    else if (wanted < worthwhileBatch && buffer.Reader.Count > 0)
                    {
                        await slots.WaitAsync(stopping);
                        wanted++;
                    }
                    else
                    {
                        break;
                    }
                }

                // Not cancelled by stopping: a receive cut off mid-flight would hide its messages for a whole visibility timeout.
                var received = await ReceiveAsync(wanted, processing);
                if (wanted > received.Count)
                {
                    slots.Release(wanted - received.Count);
                }

                foreach (var message in received)
                {
                    buffer.Writer.TryWrite(message);
                }

                pollDelay = received.Count > 0 ? options.MinPollDelay : Next(pollDelay);
                if (received.Count == 0)
                {
                    await Task.Delay(pollDelay, timeProvider, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<IReadOnlyList<HeldMessage<T>>> ReceiveAsync(int wanted, CancellationToken cancellationToken)
    {
        try
        {
            return await consumer.ReceiveAsync(wanted, options.MessageVisibilityTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Receiving from queue {Queue} failed; trying again.", consumer.QueueName);
            return [];
        }
    }

    private async Task HandleUntilStoppedAsync(
        ChannelReader<HeldMessage<T>> buffer,
        SemaphoreSlim slots,
        Func<HeldMessage<T>, CancellationToken, Task> handle,
        CancellationToken stopping,
        CancellationToken processing)
    {
        try
        {
            while (await buffer.WaitToReadAsync(stopping))
            {
                if (stopping.IsCancellationRequested || !buffer.TryRead(out var message))
                {
                    continue;
                }

                await using (message)
                {
                    await HandleOneAsync(message, handle, processing);
                }

                slots.Release();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task HandleOneAsync(HeldMessage<T> message, Func<HeldMessage<T>, CancellationToken, Task> handle, CancellationToken processing)
    {
        try
        {
            await handle(message, processing);
            if (!message.IsSettled)
            {
                logger.LogWarning("Message {MessageId} of queue {Queue} was neither completed nor released; it reappears later.", message.MessageId, consumer.QueueName);
                await message.ReleaseAsync(options.RetryDelayAfterError, processing);
            }
        }
        catch (Exception ex) when (processing.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Processing message {MessageId} of queue {Queue} was cut off by shutdown; it is visible again at once.", message.MessageId, consumer.QueueName);
            await TryReleaseAsync(message, TimeSpan.Zero);
        }
        catch (Exception ex) when (faults.IsTransient(ex, processing) && !faultBackoff.IsSpent(message.FaultRetries))
        {
            // Storage (or whatever failed) says nothing about the message. Redelivering it at once would burn its
            // receives against MaxDequeueCount within seconds and dead-letter good work; waiting the fault backoff,
            // with the receive recorded as a fault retry, lets an outage pass without costing the message anything.
            var delay = faultBackoff.Delay(message.FaultRetries, Random.Shared);
            logger.LogWarning(
                ex,
                "Message {MessageId} of queue {Queue} met a transient fault; fault retry {FaultRetry} of {MaxFaultRetries} in {Delay}.",
                message.MessageId,
                consumer.QueueName,
                message.FaultRetries + 1,
                faultBackoff.MaxFaultRetries,
                delay);
            await TryReleaseAsync(message, delay, afterFault: true);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Processing message {MessageId} of queue {Queue} (received {DequeueCount} times, {FaultRetries} fault retries) failed; it reappears later.", message.MessageId, consumer.QueueName, message.DequeueCount, message.FaultRetries);
            await TryReleaseAsync(message, options.RetryDelayAfterError);
        }
    }

    private async Task ReleaseUnstartedAsync(ChannelReader<HeldMessage<T>> buffer)
    {
        var released = new List<Task>();
        while (buffer.TryRead(out var message))
        {
            released.Add(ReleaseAndDisposeAsync(message));
        }

        await Task.WhenAll(released);
        if (released.Count > 0)
        {
            logger.LogInformation("Made {Count} received but unstarted messages of queue {Queue} visible again.", released.Count, consumer.QueueName);
        }

        async Task ReleaseAndDisposeAsync(HeldMessage<T> message)
        {
            await using (message)
            {
                await TryReleaseAsync(message, TimeSpan.Zero);
            }
        }
    }

    private async Task TryReleaseAsync(HeldMessage<T> message, TimeSpan delay, bool afterFault = false)
    {
        if (message.IsSettled)
        {
            return;
        }

        try
        {
            await (afterFault ? message.ReleaseAfterFaultAsync(delay, CancellationToken.None) : message.ReleaseAsync(delay, CancellationToken.None));
        }
        catch (Exception ex)
        {
            // Its visibility timeout still runs out, so it reappears anyway, just later. When the queue itself is down
            // this is the usual end of a fault: one receive counted, then nothing until the queue answers again.
            logger.LogWarning(ex, "Could not release message {MessageId} of queue {Queue}; it reappears when its visibility ends.", message.MessageId, consumer.QueueName);
        }
    }

    private TimeSpan Next(TimeSpan pollDelay)
    {
        var doubled = pollDelay * 2;
        return doubled > options.MaxPollDelay ? options.MaxPollDelay : doubled;
    }
}
