using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.Messages;

namespace WebhookFunctions.ServiceBus;

/// <summary>
/// The deliveries queue: fan-out sends in batches, retries are scheduled messages on this queue (never on the topic).
/// </summary>
internal sealed class ServiceBusDeliveryQueue(ServiceBusClient client) : IDeliveryQueue
{
    private readonly ServiceBusSender sender = client.CreateSender(MessagingNames.Deliveries);

    public async Task SendAsync(IReadOnlyList<DeliveryJob> jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var pending = new Queue<ServiceBusMessage>(
            jobs.SelectMany(DeliveryMessageShape.PerSubscription)
                .Select(job => ServiceBusMessages.From(DeliveryMessageShape.For(job))));

        while (pending.Count > 0)
        {
            using var batch = await sender.CreateMessageBatchAsync(cancellationToken);
            while (pending.Count > 0 && batch.TryAddMessage(pending.Peek()))
            {
                pending.Dequeue();
            }

            if (batch.Count == 0)
            {
                throw new InvalidOperationException($"Delivery message {pending.Peek().MessageId} does not fit in a Service Bus batch.");
            }

            await sender.SendMessagesAsync(batch, cancellationToken);
        }
    }

    public async Task ScheduleAsync(DeliveryJob job, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        foreach (var single in DeliveryMessageShape.PerSubscription(job))
        {
            var shape = DeliveryMessageShape.For(single, dueAt);
            await sender.ScheduleMessageAsync(ServiceBusMessages.From(shape), dueAt, cancellationToken);
        }
    }
}
