using WebhookFunctions.Http.Routing;
using WebhookFunctions.Http.Security;

namespace WebhookFunctions.SelfHosted;

/// <summary>Maps the HTTP contract's route table; every route but health needs an API key.</summary>
internal static class ApiRoutes
{
    public static void MapWebhookApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + ApiRouteTemplates.Prefix);
        foreach (var route in ApiRouteTable.All)
        {
            var endpoint = api.MapMethods("/" + route.Template, [route.Method], route.Handler);
            if (route.Access == ApiAccess.Key)
            {
                endpoint.RequireApiKey();
            }
        }
    }
}
