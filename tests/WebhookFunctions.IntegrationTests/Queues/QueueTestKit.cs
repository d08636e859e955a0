using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Queues;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Queues;

/// <summary>Consumers over a test's queues, built as the transport registration builds them.</summary>
internal static class QueueTestKit
{
    public static QueueConsumer<DeliveryJob> DeliveryConsumer(TestStorage storage, TimeProvider timeProvider, int maxDequeueCount = 20) => new(
        storage.Queues.GetQueueClient(storage.Names.DeliveriesQueue),
        QueueMessageFormats.DeliveryJobs,
        new DeadLetterTableStore(storage.Tables, storage.Names),
        new PoisonMessageTableStore(storage.Tables, storage.Names, timeProvider),
        maxDequeueCount,
        timeProvider,
        NullLogger.Instance);

    public static QueueConsumer<EventNotice> EventConsumer(TestStorage storage, TimeProvider timeProvider, int maxDequeueCount = 20) => new(
        storage.Queues.GetQueueClient(storage.Names.EventsQueue),
        QueueMessageFormats.EventNotices,
        new DeadLetterTableStore(storage.Tables, storage.Names),
        new PoisonMessageTableStore(storage.Tables, storage.Names, timeProvider),
        maxDequeueCount,
        timeProvider,
        NullLogger.Instance);

    public static DeliveryJob Job(string eventId, params string[] subscriptionIds) =>
        new(eventId, "order.created", subscriptionIds, 1, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

    public static async Task<int> CountMessagesAsync(QueueClient queue) =>
        (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
}
