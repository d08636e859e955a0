using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Delivery.Egress;

namespace WebhookFunctions.Engine.Delivery;

public static class WebhookHttpClientRegistration
{
    /// <summary>
    /// Registers <see cref="WebhookSender"/> and its named HttpClient: no redirects, no cookies, no proxy, pooled
    /// connections recycled every 5 minutes (DNS changes are picked up), and no client-wide timeout — the sender
    /// applies <see cref="DeliveryOptions.AttemptTimeout"/> to each attempt.
    /// </summary>
    public static IHttpClientBuilder AddWebhookHttpClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookSender>();
        services.AddOptions<EgressOptions>().ValidateDataAnnotations();
        services.TryAddSingleton(provider => new EgressGuard(provider.GetRequiredService<IOptions<EgressOptions>>()));

        return services
            .AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(CreatePrimaryHandler)
            // The handler's own PooledConnectionLifetime recycles connections; rebuilding it would only empty the pool.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
    }

    /// <summary>The one place the delivery handler is built: the egress guard checks every address actually connected to.</summary>
    internal static SocketsHttpHandler CreatePrimaryHandler(IServiceProvider services) => new()
    {
        ConnectCallback = services.GetRequiredService<EgressGuard>().ConnectAsync,
        AllowAutoRedirect = false,
        UseCookies = false,
        // A proxy would connect on our behalf and hide the receiver's address from any egress check.
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = 64,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };
}
