using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.Http;

namespace WebhookFunctions.Functions.Http;

/// <summary>GET /api/dead-letters, POST /api/dead-letters/replay.</summary>
public sealed class DeadLetterFunctions(DeadLetterEndpoints endpoints)
{
    [Function("ListDeadLetters")]
    public async Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "dead-letters")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.ListAsync(request, cancellationToken));

    [Function("ReplayDeadLetters")]
    public async Task<IActionResult> ReplayAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "dead-letters/replay")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.ReplayAsync(request, cancellationToken));
}
