using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.Http;

namespace WebhookFunctions.Functions.Http;

/// <summary>GET /api/health, the one route without a key.</summary>
public sealed class HealthFunction(HealthEndpoints endpoints)
{
    [Function("Health")]
    public async Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.GetAsync(request, cancellationToken));
}
