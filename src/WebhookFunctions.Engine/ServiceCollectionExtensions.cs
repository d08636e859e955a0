using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Delivery.EndpointHealth;
using WebhookFunctions.Engine.Delivery.Egress;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.Engine.FanOut;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.Engine.OperationalEvents;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Subscriptions.Verification;

namespace WebhookFunctions.Engine;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the engine's services and options; hosts add the storage and transport adapters of its ports.</summary>
    public static IServiceCollection AddWebhookEngine(this IServiceCollection services, IConfiguration configuration)
    {
        var delivery = configuration.GetSection(DeliveryOptions.SectionName);
        services.AddOptions<DeliveryOptions>()
            .Bind(delivery)
            // The binder appends configured list items to the default schedule; a configured schedule replaces it.
            .PostConfigure(options =>
            {
                if (delivery.GetSection(nameof(DeliveryOptions.RetrySchedule)).Get<TimeSpan[]>() is { Length: > 0 } schedule)
                {
                    options.RetrySchedule = schedule.ToList();
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<EgressOptions>()
            .Bind(configuration.GetSection(EgressOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<EndpointHealthOptions>()
            .Bind(configuration.GetSection(EndpointHealthOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<EndpointVerificationOptions>().Bind(configuration.GetSection(EndpointVerificationOptions.SectionName));
        services.AddOptions<OperationalEventOptions>()
            .Bind(configuration.GetSection(OperationalEventOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<PublishOptions>().Bind(configuration.GetSection(PublishOptions.SectionName));
        services.AddOptions<RetentionOptions>()
            .Bind(configuration.GetSection(RetentionOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        // Adapters add their SDK's transient faults as ITransientFaultRule; the classifier asks every one.
        services.TryAddSingleton<TransientFaultClassifier>();
        services.TryAddSingleton(FaultBackoff.Default);
        services.AddSingleton<EndpointHealthTracker>();
        services.AddWebhookHttpClient();
        // The storage adapter registers its subscription store under InnerKey; everything else uses it through the cache.
        services.AddSingleton(sp => new CachingSubscriptionStore(
            sp.GetRequiredKeyedService<ISubscriptionStore>(CachingSubscriptionStore.InnerKey),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISubscriptionStore>(sp => sp.GetRequiredService<CachingSubscriptionStore>());
        services.AddSingleton<RecipientFinder>();
        services.AddSingleton<DirectDeliveryRoute>();
        services.AddSingleton<PublishService>();
        services.AddSingleton<EventQueryService>();
        services.AddSingleton<FanOutService>();
        services.AddSingleton<OperationalEventPublisher>();
        services.AddSingleton<DeliveryProcessor>();
        services.AddSingleton<EndpointVerifier>();
        services.AddSingleton<SubscriptionService>();
        services.AddSingleton<DeadLetterService>();
        services.AddSingleton<HealthService>();
        services.TryAddSingleton<RetentionPolicy>();
        services.AddSingleton<RetentionSweeper>();
        return services;
    }
}
