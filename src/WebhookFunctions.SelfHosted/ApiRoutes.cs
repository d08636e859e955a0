using WebhookFunctions.Http.OpenApi;
using WebhookFunctions.Http.Routing;
using WebhookFunctions.Http.Security;

namespace WebhookFunctions.SelfHosted;

/// <summary>
/// Maps the HTTP contract's route table, with each route's account in the API reference; every route but health and
/// the OpenAPI document needs an API key. The document is generated here from these same routes.
/// </summary>
internal static class ApiRoutes
{
    public static void MapWebhookApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + ApiRouteTemplates.Prefix);
        foreach (var route in ApiRouteTable.All)
        {
            if (route.Template == ApiRouteTemplates.OpenApiDocument)
            {
                app.MapOpenApi(route.Path);
                continue;
            }

            var endpoint = api.MapMethods("/" + route.Template, [route.Method], route.Handler).Describe(route);
            if (route.Access == ApiAccess.Key)
            {
                endpoint.RequireApiKey();
            }
        }
    }

    private static RouteHandlerBuilder Describe(this RouteHandlerBuilder endpoint, ApiRoute route)
    {
        var operation = route.Operation;
        endpoint.WithMetadata(route).WithName(operation.Id).WithSummary(operation.Summary).WithTags(operation.Tag);
        if (operation.Description is { } description)
        {
            endpoint.WithDescription(description);
        }

        if (operation.Request is { } body)
        {
            endpoint.Accepts(body.Type, body.ContentTypes[0], [.. body.ContentTypes.Skip(1)]);
        }

        foreach (var response in operation.Responses)
        {
            if (response.Problem)
            {
                endpoint.Produces(response.Status, ApiSchemaFacts.Problem, ApiProblemsContentType);
            }
            else
            {
                endpoint.Produces(response.Status, response.Body);
            }
        }

        if (route.Access == ApiAccess.Key)
        {
            endpoint.Produces(StatusCodes.Status401Unauthorized, ApiSchemaFacts.Problem, ApiProblemsContentType);
        }

        return endpoint;
    }

    private const string ApiProblemsContentType = WebhookFunctions.Http.Output.ApiProblems.ContentType;
}
