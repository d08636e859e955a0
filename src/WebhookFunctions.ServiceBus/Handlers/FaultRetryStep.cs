using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.Messages;

namespace WebhookFunctions.ServiceBus.Handlers;

/// <summary>
/// Runs a handler's work and turns a transient fault of our own dependencies into a fault retry: a copy of the message
/// scheduled on the entity it came from after <see cref="FaultBackoff"/>, then the original completed. A trigger that
/// throws has its message abandoned by the Functions host and redelivered at once, counted against MaxDeliveryCount,
/// so an outage of seconds would dead-letter the message; the copy starts with a delivery count of 0 instead.
/// </summary>
/// <remarks>
/// When the copy cannot be scheduled (Service Bus itself is failing), the message is left unsettled: its lock runs
/// out and Service Bus delivers it again, one counted delivery per lock duration at most. Past the fault budget, or
/// for anything that is not a transient fault, the exception goes on to the host, the ordinary path.
/// </remarks>
public sealed class FaultRetryStep
{
    private readonly TransientFaultClassifier faults;
    private readonly FaultBackoff backoff;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<FaultRetryStep> logger;
    private readonly ServiceBusSender events;
    private readonly ServiceBusSender deliveries;

    public FaultRetryStep(ServiceBusClient client, TransientFaultClassifier faults, FaultBackoff backoff, TimeProvider timeProvider, ILogger<FaultRetryStep> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.faults = faults;
        this.backoff = backoff;
        this.timeProvider = timeProvider;
        this.logger = logger;
        events = client.CreateSender(MessagingNames.Events);
        deliveries = client.CreateSender(MessagingNames.Deliveries);
    }

    /// <param name="message">The received message <paramref name="work"/> handles.</param>
    /// <param name="entity">Where the copy goes: <see cref="MessagingNames.Events"/> for a notice, <see cref="MessagingNames.Deliveries"/> for a delivery job.</param>
    internal async Task RunAsync(
        ServiceBusReceivedMessage message,
        string entity,
        IMessageSettler settler,
        Func<CancellationToken, Task> work,
        CancellationToken cancellationToken)
    {
        var sender = entity switch
        {
            MessagingNames.Events => events,
            MessagingNames.Deliveries => deliveries,
            _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, "Fault retries go to the events topic or the deliveries queue."),
        };
        var faultRetries = FaultRetryMessageShape.FaultRetriesOf(message);
        try
        {
            await work(cancellationToken);
        }
        catch (Exception ex) when (faults.IsTransient(ex, cancellationToken) && !backoff.IsSpent(faultRetries))
        {
            await RetryLaterAsync(message, sender, settler, faultRetries, ex, cancellationToken);
        }
    }

    private async Task RetryLaterAsync(
        ServiceBusReceivedMessage message,
        ServiceBusSender sender,
        IMessageSettler settler,
        int faultRetries,
        Exception fault,
        CancellationToken cancellationToken)
    {
        var delay = backoff.Delay(faultRetries, Random.Shared);
        var dueAt = timeProvider.GetUtcNow() + delay;
        var copy = FaultRetryMessageShape.For(message, faultRetries + 1, dueAt);
        try
        {
            await sender.ScheduleMessageAsync(ServiceBusMessages.From(copy), dueAt, cancellationToken);
        }
#pragma warning disable CA1031 // Whatever stopped the schedule, the message stays unsettled and comes back when its lock runs out.
        catch (Exception scheduleFailure)
#pragma warning restore CA1031
        {
            logger.LogWarning(
                new AggregateException(fault, scheduleFailure),
                "Message {MessageId} met a transient fault, and its fault retry could not be scheduled on {Entity}; it is left to come back when its lock runs out (delivery {DeliveryCount}).",
                message.MessageId,
                sender.EntityPath,
                message.DeliveryCount);
            return;
        }

        logger.LogWarning(
            fault,
            "Message {MessageId} met a transient fault; fault retry {FaultRetry} of {MaxFaultRetries} is {CopyId} on {Entity} in {Delay}.",
            message.MessageId,
            faultRetries + 1,
            backoff.MaxFaultRetries,
            copy.MessageId,
            sender.EntityPath,
            delay);
        try
        {
            await settler.CompleteAsync(message, cancellationToken);
        }
#pragma warning disable CA1031 // The copy is scheduled; an original that cannot be completed comes back once, and receivers dedupe on webhook-id.
        catch (Exception completeFailure)
#pragma warning restore CA1031
        {
            logger.LogWarning(
                completeFailure,
                "Message {MessageId} has its fault retry {CopyId} scheduled but could not be completed; it comes back when its lock runs out, a duplicate of the copy.",
                message.MessageId,
                copy.MessageId);
        }
    }
}
