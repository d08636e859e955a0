using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using WebhookFunctions.Http.OpenApi;

namespace WebhookFunctions.SelfHosted.OpenApi;

/// <summary>
/// Schema facts the contract types do not carry (<see cref="ApiSchemaFacts"/>): the names an enumerated string field
/// holds, event data as any JSON value, and the causes a replay's skipped counts are keyed by.
/// </summary>
internal sealed class ContractSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (ApiSchemaFacts.HoldsAnyJson(context.JsonTypeInfo.Type))
        {
            schema.Type = null;
            schema.Format = null;
            schema.Properties = null;
            schema.Description = "Any JSON value.";
            return Task.CompletedTask;
        }

        if (context.JsonPropertyInfo is not { } property)
        {
            DescribeObject(schema, context.JsonTypeInfo.Type);
            return Task.CompletedTask;
        }

        if (ApiSchemaFacts.IsTime(property.DeclaringType, property.Name))
        {
            schema.Format = "date-time";
        }

        if (ApiSchemaFacts.AllowedValues(property.DeclaringType, property.Name) is { } names)
        {
            schema.Enum = [.. names.Select(name => (JsonNode)JsonValue.Create(name)), .. Nullable(schema)];
        }
        else if (ApiSchemaFacts.IsReplayAnswer(property.DeclaringType) && property.Name == "skipped")
        {
            schema.PropertyNames = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. ApiSchemaFacts.ReplaySkipCauses.Select(name => (JsonNode)JsonValue.Create(name))] };
            schema.Description = "How many matching dead letters were kept, by cause; causes with none are left out.";
        }

        return Task.CompletedTask;
    }

    private static void DescribeObject(OpenApiSchema schema, Type type)
    {
        if (ApiSchemaFacts.IsRequestBody(type))
        {
            schema.AdditionalPropertiesAllowed = false;
            schema.Required = new HashSet<string>(ApiSchemaFacts.Required(type));
            if (schema.Required.Count == 0)
            {
                schema.Required = null;
            }
        }

        foreach (var field in ApiSchemaFacts.OmittedWhenAbsent(type))
        {
            schema.Required?.Remove(field);
            NotNull(schema, field);
        }

        foreach (var field in ApiSchemaFacts.Required(type))
        {
            NotNull(schema, field);
        }
    }

    private static void NotNull(OpenApiSchema schema, string field)
    {
        if (schema.Properties is { } properties && properties.TryGetValue(field, out var property)
            && property is OpenApiSchema { Type: { } present } optional)
        {
            optional.Type = present & ~JsonSchemaType.Null;
        }
    }

    private static JsonNode[] Nullable(OpenApiSchema schema) =>
        schema.Type is { } type && type.HasFlag(JsonSchemaType.Null) ? [JsonNullSentinel.JsonNull] : [];
}
