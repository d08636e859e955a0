using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using WebhookFunctions.Http.Routing;

namespace WebhookFunctions.SelfHosted.OpenApi;

/// <summary>
/// What the generator cannot see in a handler that reads its own request: query parameters, request and response
/// headers (If-Match, ETag, Location, Idempotency-Key), and which key the route needs. All from the route's
/// <see cref="ApiOperation"/>.
/// </summary>
internal sealed class RouteOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiRoute>().FirstOrDefault() is not { } route)
        {
            return Task.CompletedTask;
        }

        operation.Parameters ??= [];
        foreach (var parameter in route.Operation.Query)
        {
            operation.Parameters.Add(Parameter(parameter, ParameterLocation.Query));
        }

        foreach (var header in route.Operation.RequestHeaders)
        {
            operation.Parameters.Add(Parameter(header, ParameterLocation.Header));
        }

        foreach (var response in route.Operation.Responses)
        {
            if (operation.Responses![response.Status.ToString(CultureInfo.InvariantCulture)] is not OpenApiResponse described)
            {
                continue;
            }

            described.Description = response.Description;
            foreach (var header in response.Headers)
            {
                described.Headers ??= new Dictionary<string, IOpenApiHeader>();
                described.Headers[header.Name] = new OpenApiHeader { Description = header.Description, Schema = Schema(header.Kind) };
            }
        }

        if (operation.Responses!.GetValueOrDefault("401") is OpenApiResponse unauthorized)
        {
            unauthorized.Description = "No key, or not a valid one.";
        }

        if (route.Operation.Request is { } request && operation.RequestBody is OpenApiRequestBody body)
        {
            body.Description = request.Description;
            if (body.Content is { } content && content.TryGetValue(CloudEventSchema.MediaType, out var cloudEvent))
            {
                cloudEvent.Schema = CloudEventSchema.Create();
            }
        }

        if (route.Access == ApiAccess.Key)
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ContractDocumentTransformer.KeyHeaderScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ContractDocumentTransformer.KeyQueryScheme, context.Document)] = [] },
            ];
        }

        return Task.CompletedTask;
    }

    private static OpenApiParameter Parameter(ApiParameter parameter, ParameterLocation location) => new()
    {
        Name = parameter.Name,
        In = location,
        Description = parameter.Description,
        Required = parameter.Required,
        Schema = Schema(parameter.Kind),
    };

    private static OpenApiSchema Schema(ApiValueKind kind) => kind switch
    {
        ApiValueKind.WholeNumber => new() { Type = JsonSchemaType.Integer, Format = "int32" },
        ApiValueKind.Boolean => new() { Type = JsonSchemaType.Boolean },
        ApiValueKind.Time => new() { Type = JsonSchemaType.String, Format = "date-time" },
        _ => new() { Type = JsonSchemaType.String },
    };
}
