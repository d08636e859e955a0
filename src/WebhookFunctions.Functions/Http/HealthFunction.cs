using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.Http;
using WebhookFunctions.Http.Routing;

namespace WebhookFunctions.Functions.Http;

/// <summary>
/// GET /api/health, the one route without a key (the status alone), and GET /api/health/details, whose function key
/// the Functions host checks like every other route's.
/// </summary>
public sealed class HealthFunction(HealthEndpoints endpoints)
{
    [Function("Health")]
    public async Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRouteTemplates.Health)] HttpRequest request,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.GetStatusAsync(cancellationToken));

    [Function("HealthDetails")]
    public async Task<IActionResult> GetDetailsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRouteTemplates.HealthDetails)] HttpRequest request,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.GetDetailsAsync(cancellationToken));
}
