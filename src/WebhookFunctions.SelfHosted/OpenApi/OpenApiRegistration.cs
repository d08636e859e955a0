using System.Text.Json.Serialization;
using Microsoft.OpenApi;

namespace WebhookFunctions.SelfHosted.OpenApi;

/// <summary>The OpenAPI 3.1 document of the HTTP contract, generated from the route table (Microsoft.AspNetCore.OpenApi).</summary>
internal static class OpenApiRegistration
{
    public static IServiceCollection AddWebhookOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer<ContractDocumentTransformer>();
            options.AddOperationTransformer<RouteOperationTransformer>();
            options.AddSchemaTransformer<ContractSchemaTransformer>();
        });

        // The schemas come from the HTTP JSON options; the API writes its bodies with a source-generated context of
        // its own, so these settings describe the contract and change no response. Numbers are numbers only.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            json.SerializerOptions.RespectNullableAnnotations = true;
        });
        return services;
    }
}
