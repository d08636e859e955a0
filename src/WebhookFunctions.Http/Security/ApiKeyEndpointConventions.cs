using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace WebhookFunctions.Http.Security;

public static class ApiKeyEndpointConventions
{
    /// <summary>Requires a valid API key (see <see cref="ApiKeyValidator"/>) on these endpoints.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, ApiKeyEndpointFilter>();
}
