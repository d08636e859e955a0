using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.Http.OpenApi;
using WebhookFunctions.Http.Routing;

namespace WebhookFunctions.Functions.Http;

/// <summary>GET /api/openapi.json without a key: the document the self-hosted server generates, as it is.</summary>
public sealed class OpenApiFunction(OpenApiDocumentEndpoint document)
{
    [Function("OpenApiDocument")]
    public Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRouteTemplates.OpenApiDocument)] HttpRequest request) =>
        Task.FromResult<IActionResult>(new HttpResultAdapter(document.Get()));
}
