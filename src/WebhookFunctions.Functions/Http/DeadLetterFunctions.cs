using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.Http;
using WebhookFunctions.Http.Routing;

namespace WebhookFunctions.Functions.Http;

/// <summary>GET and DELETE /api/dead-letters, POST /api/dead-letters/replay.</summary>
public sealed class DeadLetterFunctions(DeadLetterEndpoints endpoints)
{
    [Function("ListDeadLetters")]
    public async Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRouteTemplates.DeadLetters)] HttpRequest request,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.ListAsync(request, cancellationToken));

    [Function("PurgeDeadLetters")]
    public async Task<IActionResult> PurgeAsync(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRouteTemplates.DeadLetters)] HttpRequest request,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.PurgeAsync(request, cancellationToken));

    [Function("ReplayDeadLetters")]
    public async Task<IActionResult> ReplayAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRouteTemplates.DeadLetterReplay)] HttpRequest request,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.ReplayAsync(request, cancellationToken));
}
