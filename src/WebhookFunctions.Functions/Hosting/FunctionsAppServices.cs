using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebhookFunctions.Engine;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Functions.Telemetry;
using WebhookFunctions.Http;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.Storage;

namespace WebhookFunctions.Functions.Hosting;

public static class FunctionsAppServices
{
    /// <summary>Everything the functions take, over the app's configuration (app settings or local.settings.json).</summary>
    public static IServiceCollection AddWebhookFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWorkerTelemetry(configuration);

        // No development default here: an app setting that fails to name the storage account must stop the app at
        // start-up, not send it looking for Azurite. Runs before the binding, so a configured value still wins.
        services.Configure<StorageOptions>(options => options.ConnectionString = null);

        services.AddWebhookEngine(configuration);
        services.AddAzureStorageStores(configuration);
        services.AddServiceBusTransport(configuration);

        // Service Bus dead-letters whole messages, so each delivery message carries one subscription whatever the settings say.
        services.PostConfigure<DeliveryOptions>(options => options.FanOutBatchSize = 1);

        // The HTTP contract's handlers, the same classes the self-hosted server routes to; keys are the host's (AuthorizationLevel.Function).
        services.AddWebhookHttp();
        return services;
    }
}
