using Microsoft.OpenApi;

namespace WebhookFunctions.SelfHosted.OpenApi;

/// <summary>A structured CloudEvents 1.0 event (JSON format), as POST /api/events accepts it: the attributes it maps.</summary>
internal static class CloudEventSchema
{
    public const string MediaType = "application/cloudevents+json";

    public static OpenApiSchema Create() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "CloudEvents 1.0, structured mode: id, type, source, subject, time and data are mapped to the event.",
        Required = new HashSet<string> { "specversion", "id", "type", "source" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["specversion"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = "1.0" },
            ["id"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["source"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
            ["subject"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["time"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            ["datacontenttype"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["data"] = new OpenApiSchema { Description = "Any JSON value." },
        },
    };
}
