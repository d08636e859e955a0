using Microsoft.Extensions.DependencyInjection;

namespace WebhookFunctions.Engine.Delivery;

public static class WebhookHttpClientRegistration
{
    public static IHttpClientBuilder AddWebhookHttpClient(this IServiceCollection services) => throw new NotImplementedException();
}
