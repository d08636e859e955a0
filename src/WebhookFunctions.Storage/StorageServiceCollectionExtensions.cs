using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Storage.Queues;
using WebhookFunctions.Storage.Retention;
using WebhookFunctions.Storage.Tables;
using WebhookFunctions.Storage.Tables.SubscriptionIndex;
using WebhookFunctions.Storage.Workers;

namespace WebhookFunctions.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Tables (and blobs for large payloads) behind the subscription, event, idempotency and delivery-log ports. Both hosts.</summary>
    public static IServiceCollection AddAzureStorageStores(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>>(new StorageOptionsValidator(needsQueues: false));
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(sp => new StorageNames(Options(sp).NamePrefix));
        services.TryAddSingleton(sp => StorageClientFactory.CreateTableServiceClient(Options(sp), sp.GetServices<StoragePipelinePolicy>()));
        services.TryAddSingleton(sp => StorageClientFactory.CreateBlobServiceClient(Options(sp), sp.GetServices<StoragePipelinePolicy>()));

        services.AddKeyedSingleton<ISubscriptionStore, SubscriptionTableStore>(CachingSubscriptionStore.InnerKey);
        services.TryAddSingleton<RetentionPolicy>();
        services.AddSingleton<ExpirySchedule>();
        services.AddSingleton<IExpiryStore, ExpiryTableStore>();
        services.AddSingleton<EventTableStore>();
        services.AddSingleton<IEventStore>(sp => new RecentEventCache(sp.GetRequiredService<EventTableStore>(), sp.GetRequiredService<RetentionPolicy>()));
        services.AddSingleton<IIdempotencyStore, IdempotencyTableStore>();
        services.AddSingleton<IDeliveryLog, DeliveryLogTableStore>();
        services.AddSingleton<IHealthProbe, TableHealthProbe>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransientFaultRule, StorageTransientFaultRule>());

        services.TryAddSingleton<SubscriptionIndexMaintenance>();
        services.TryAddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        services.AddHostedService(sp => sp.GetRequiredService<SubscriptionIndexMaintenance>());
        return services;
    }

    /// <summary>The self-hosted transport: events and deliveries queues, the dead-letter table, and the fan-out and delivery workers.</summary>
    public static IServiceCollection AddStorageQueueTransport(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddAzureStorageStoresOnce(configuration);
        services.AddSingleton<IValidateOptions<StorageOptions>>(new StorageOptionsValidator(needsQueues: true));
        services.AddOptions<WorkerOptions>()
            .Bind(configuration.GetSection(WorkerOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<QueueTransportMarker>();
        services.TryAddSingleton(sp => StorageClientFactory.CreateQueueServiceClient(Options(sp), sp.GetServices<StoragePipelinePolicy>()));
        services.AddSingleton<IEventQueue, StorageEventQueue>();
        services.AddSingleton<IDeliveryQueue, StorageDeliveryQueue>();
        services.AddSingleton<LocalHandOff<DeliveryJob>>();
        services.AddSingleton<IDirectDelivery, StorageDirectDelivery>();
        services.AddSingleton<IHealthProbe, QueueHealthProbe>();

        services.AddSingleton<DeadLetterTableStore>();
        services.AddSingleton<IDeadLetterStore>(sp => sp.GetRequiredService<DeadLetterTableStore>());
        services.AddSingleton<PoisonMessageTableStore>();
        services.AddSingleton(sp => CreateConsumer(sp, sp.GetRequiredService<StorageNames>().EventsQueue, QueueMessageFormats.EventNotices));
        services.AddSingleton(sp => CreateConsumer(sp, sp.GetRequiredService<StorageNames>().DeliveriesQueue, QueueMessageFormats.DeliveryJobs));

        services.AddHostedService<FanOutWorker>();
        services.AddHostedService<DeliveryWorker>();
        return services;
    }

    private static void AddAzureStorageStoresOnce(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(d => d.ServiceType == typeof(StorageInitializer)))
        {
            services.AddAzureStorageStores(configuration);
        }
    }

    private static StorageOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<StorageOptions>>().Value;

    private static QueueConsumer<T> CreateConsumer<T>(IServiceProvider services, string queueName, QueueMessageFormat<T> format)
        where T : class =>
        new(
            services.GetRequiredService<QueueServiceClient>().GetQueueClient(queueName),
            format,
            services.GetRequiredService<DeadLetterTableStore>(),
            services.GetRequiredService<PoisonMessageTableStore>(),
            services.GetRequiredService<IOptions<WorkerOptions>>().Value.MaxDequeueCount,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger($"WebhookFunctions.Storage.Queues.{queueName}"));
}
