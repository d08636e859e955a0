using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using WebhookFunctions.Http.Routing;

namespace WebhookFunctions.SelfHosted.OpenApi;

/// <summary>
/// The document's own parts: what it describes, the key scheme, and the route of the document itself (served by
/// MapOpenApi, which keeps its own endpoint out of the description). No servers: the document is the same wherever
/// it is served from, so the Functions app can serve this one as it is.
/// </summary>
internal sealed class ContractDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string KeyHeaderScheme = "functionKey";
    public const string KeyQueryScheme = "functionKeyQuery";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "WebhookFunctions",
            Version = "1",
            Description = "Webhook fan-out: publish an event once; it is delivered, signed with Standard Webhooks signatures, to every "
                + "subscribed URL, retried with backoff, and parked as a dead letter when it never succeeds. Both hosts (Azure Functions "
                + "and the self-hosted server) serve this same contract under /api. Every error is application/problem+json (RFC 9457). "
                + "Times are RFC 3339 UTC with millisecond precision.",
        };
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[KeyHeaderScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "x-functions-key",
            Description = "An API key: a function key in Azure, one of Api:Keys on the self-hosted server.",
        };
        document.Components.SecuritySchemes[KeyQueryScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Query,
            Name = "code",
            Description = "The same key as a query parameter, as Azure Functions accepts it.",
        };
        AddDocumentRoute(document);
        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = ApiRouteTable.All.Single(r => r.Template == ApiRouteTemplates.OpenApiDocument).Operation.Tag });
        return Task.CompletedTask;
    }

    private static void AddDocumentRoute(OpenApiDocument document)
    {
        var route = ApiRouteTable.All.Single(r => r.Template == ApiRouteTemplates.OpenApiDocument);
        var responses = new OpenApiResponses();
        foreach (var response in route.Operation.Responses)
        {
            responses[response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = response.Description,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } },
            };
        }

        document.Paths.Add(route.Path, new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = route.Operation.Id,
                    Summary = route.Operation.Summary,
                    Description = route.Operation.Description,
                    Tags = new HashSet<OpenApiTagReference> { new(route.Operation.Tag, document) },
                    Responses = responses,
                },
            },
        });
    }
}
