using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebhookFunctions.Http.OpenApi;
using WebhookFunctions.Http.Security;

namespace WebhookFunctions.Http;

public static class HttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers the HTTP handlers (which both hosts route to), the API key validator and its options (section "Api").
    /// The engine's services come from AddWebhookEngine.
    /// </summary>
    public static IServiceCollection AddWebhookHttp(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .Validate(options => options.Keys.All(key => !string.IsNullOrWhiteSpace(key)), "Api:Keys must not hold an empty key.")
            .ValidateOnStart();
        services.TryAddSingleton<ApiKeyValidator>();

        // Scoped: a handler lives for one request (the engine services it takes are singletons).
        services.TryAddScoped<EventEndpoints>();
        services.TryAddScoped<SubscriptionEndpoints>();
        services.TryAddScoped<DeadLetterEndpoints>();
        services.TryAddScoped<HealthEndpoints>();
        services.TryAddSingleton<OpenApiDocumentEndpoint>();
        return services;
    }
}
