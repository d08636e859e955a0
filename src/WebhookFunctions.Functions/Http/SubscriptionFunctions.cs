using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.Http;
using WebhookFunctions.Http.Routing;

namespace WebhookFunctions.Functions.Http;

/// <summary>/api/subscriptions and its sub-routes.</summary>
public sealed class SubscriptionFunctions(SubscriptionEndpoints endpoints)
{
    [Function("CreateSubscription")]
    public async Task<IActionResult> CreateAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRouteTemplates.Subscriptions)] HttpRequest request,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.CreateAsync(request, cancellationToken));

    [Function("ListSubscriptions")]
    public async Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRouteTemplates.Subscriptions)] HttpRequest request,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.ListAsync(request, cancellationToken));

    [Function("GetSubscription")]
    public async Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRouteTemplates.Subscription)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.GetAsync(id, cancellationToken));

    [Function("UpdateSubscription")]
    public async Task<IActionResult> UpdateAsync(
        [HttpTrigger(AuthorizationLevel.Function, "patch", Route = ApiRouteTemplates.Subscription)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.UpdateAsync(request, id, cancellationToken));

    [Function("DeleteSubscription")]
    public async Task<IActionResult> DeleteAsync(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRouteTemplates.Subscription)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.DeleteAsync(id, cancellationToken));

    [Function("RotateSubscriptionSecret")]
    public async Task<IActionResult> RotateSecretAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRouteTemplates.SubscriptionSecretRotation)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.RotateSecretAsync(id, cancellationToken));

    [Function("SendTestEvent")]
    public async Task<IActionResult> SendTestAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRouteTemplates.SubscriptionTest)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.SendTestAsync(id, cancellationToken));

    [Function("VerifySubscription")]
    public async Task<IActionResult> VerifyAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRouteTemplates.SubscriptionVerification)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.VerifyAsync(id, cancellationToken));

    [Function("ListSubscriptionDeliveries")]
    public async Task<IActionResult> ListDeliveriesAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRouteTemplates.SubscriptionDeliveries)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        new HttpResultAdapter(await endpoints.ListDeliveriesAsync(request, id, cancellationToken));
}
