using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace WebhookFunctions.Engine;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the engine's services and options; hosts add the storage and transport adapters of its ports.</summary>
    public static IServiceCollection AddWebhookEngine(this IServiceCollection services, IConfiguration configuration) => throw new NotImplementedException();
}
