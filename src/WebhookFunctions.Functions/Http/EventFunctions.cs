using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.Http;
using WebhookFunctions.Http.Routing;

namespace WebhookFunctions.Functions.Http;

/// <summary>POST /api/events, GET /api/events/{id}, GET /api/events/{id}/deliveries.</summary>
public sealed class EventFunctions(EventEndpoints endpoints)
{
    [Function("PublishEvent")]
    public async Task<IActionResult> PublishAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRouteTemplates.Events)] HttpRequest request,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.PublishAsync(request, cancellationToken));

    [Function("GetEvent")]
    public async Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRouteTemplates.Event)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.GetAsync(id, cancellationToken));

    [Function("ListEventDeliveries")]
    public async Task<IActionResult> ListDeliveriesAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRouteTemplates.EventDeliveries)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.ListDeliveriesAsync(id, cancellationToken));
}
