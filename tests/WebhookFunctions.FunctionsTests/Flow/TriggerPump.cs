using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using WebhookFunctions.Functions.Messaging;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>
/// Feeds the real FanOut and Deliver functions from the broker, one peek-locked message per invocation, as the
/// Functions host does with autoCompleteMessages false: the function settles through its message actions, and when it
/// throws, the message is abandoned and the broker delivers it again (or dead-letters it after its max delivery count).
/// </summary>
internal sealed class TriggerPump(IServiceProvider services, ServiceBusBroker broker) : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<Exception> failures = new();
    private readonly ConcurrentQueue<Invocation> invocations = new();
    private Task? running;

    /// <summary>What the functions threw, in order; each left its message to be abandoned.</summary>
    public IReadOnlyCollection<Exception> Failures => failures;

    /// <summary>Every message handed to a function, in order, as it was received.</summary>
    public IReadOnlyCollection<Invocation> Invocations => invocations;

    public void Start() => running = Task.Run(() => RunAsync(stopping.Token));

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (running is not null)
        {
            await running;
        }

        stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var fannedOut = await InvokeNextAsync<FanOutFunction>(WebhookTopology.FanOutSubscription, (function, message, actions) => function.RunAsync(message, actions, cancellationToken));
            var delivered = await InvokeNextAsync<DeliverFunction>(WebhookTopology.Deliveries, (function, message, actions) => function.RunAsync(message, actions, cancellationToken));
            if (!fannedOut && !delivered)
            {
                try
                {
                    await Task.Delay(20, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<bool> InvokeNextAsync<TFunction>(string entityPath, Func<TFunction, ServiceBusReceivedMessage, ServiceBusMessageActions, Task> invoke)
        where TFunction : class
    {
        if (broker.ReceiveNext(entityPath) is not { } message)
        {
            return false;
        }

        invocations.Enqueue(new Invocation(entityPath, message.MessageId, message.DeliveryCount, message.ApplicationProperties.TryGetValue("faultRetries", out var faultRetries) ? Convert.ToInt32(faultRetries, System.Globalization.CultureInfo.InvariantCulture) : 0));

        // One scope and one function instance per invocation, as the worker creates them.
        await using var scope = services.CreateAsyncScope();
        var function = ActivatorUtilities.CreateInstance<TFunction>(scope.ServiceProvider);
        try
        {
            await invoke(function, message, new BrokerMessageActions(broker));
        }
#pragma warning disable CA1031 // Whatever the function throws, the host abandons the message; the test reads it from Failures.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failures.Enqueue(exception);
            try
            {
                broker.Abandon(message.LockToken);
            }
            catch (ServiceBusException lost) when (lost.Reason == ServiceBusFailureReason.MessageLockLost)
            {
                // Settled before it threw: nothing is left for the host to abandon.
            }
        }

        return true;
    }
}

/// <summary>One message handed to a function: where it came from, its id, its delivery count and its fault retries so far.</summary>
internal sealed record Invocation(string EntityPath, string MessageId, int DeliveryCount, int FaultRetries);
