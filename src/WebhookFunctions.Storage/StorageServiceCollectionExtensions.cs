using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace WebhookFunctions.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Tables (and blobs for large payloads) behind the subscription, event, idempotency and delivery-log ports. Both hosts.</summary>
    public static IServiceCollection AddAzureStorageStores(this IServiceCollection services, IConfiguration configuration) => throw new NotImplementedException();

    /// <summary>The self-hosted transport: events and deliveries queues, the dead-letter table, and the fan-out and delivery workers.</summary>
    public static IServiceCollection AddStorageQueueTransport(this IServiceCollection services, IConfiguration configuration) => throw new NotImplementedException();
}
