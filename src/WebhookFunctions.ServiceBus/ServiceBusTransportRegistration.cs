using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus.DeadLetters;
using WebhookFunctions.ServiceBus.Faults;
using WebhookFunctions.ServiceBus.Handlers;

namespace WebhookFunctions.ServiceBus;

public static class ServiceBusTransportRegistration
{
    /// <summary>
    /// The Service Bus adapters of the events, deliveries and dead-letter ports, a reachability probe, Service Bus's
    /// transient faults for the engine's classifier, and the handlers the fan-out and delivery triggers hand their
    /// messages to.
    /// </summary>
    public static IServiceCollection AddServiceBusTransport(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = configuration.GetSection(MessagingNames.ServiceBusConnection);
        services.AddSingleton(_ => CreateClient(connection));
        services.AddSingleton<IEventQueue, ServiceBusEventQueue>();
        services.AddSingleton<IDeliveryQueue, ServiceBusDeliveryQueue>();
        services.AddSingleton<IDeadLetterStore, ServiceBusDeadLetterStore>();
        services.AddSingleton<IHealthProbe, ServiceBusHealthProbe>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransientFaultRule, ServiceBusTransientFaultRule>());
        services.AddSingleton<FaultRetryStep>();
        services.AddSingleton<FanOutMessageHandler>();
        services.AddSingleton<DeliveryMessageHandler>();
        return services;
    }

    /// <summary>
    /// The same setting the triggers use: a connection string (the emulator) in ServiceBusConnection, or the namespace
    /// in ServiceBusConnection__fullyQualifiedNamespace with a managed identity (ServiceBusConnection__clientId for a
    /// user-assigned one).
    /// </summary>
    private static ServiceBusClient CreateClient(IConfigurationSection connection)
    {
        if (!string.IsNullOrWhiteSpace(connection.Value))
        {
            return new ServiceBusClient(connection.Value);
        }

        var fullyQualifiedNamespace = connection["fullyQualifiedNamespace"];
        if (string.IsNullOrWhiteSpace(fullyQualifiedNamespace))
        {
            throw new InvalidOperationException(
                $"Service Bus is not configured: set {MessagingNames.ServiceBusConnection}__fullyQualifiedNamespace (managed identity) or {MessagingNames.ServiceBusConnection} (a connection string, for the emulator).");
        }

        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = connection["clientId"],
        });
        return new ServiceBusClient(fullyQualifiedNamespace, credential);
    }
}
