using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace WebhookFunctions.Http.Routing;

/// <summary>
/// Every route of the HTTP contract, once. The self-hosted server maps this table; the Functions triggers name its
/// templates, and a test holds the generated functions.metadata to it (method, template, access).
/// </summary>
public static class ApiRouteTable
{
    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        new(HttpMethods.Get, ApiRouteTemplates.Health, ApiAccess.Anonymous,
            ([FromServices] HealthEndpoints health, CancellationToken ct) => health.GetStatusAsync(ct)),
        new(HttpMethods.Get, ApiRouteTemplates.HealthDetails, ApiAccess.Key,
            ([FromServices] HealthEndpoints health, CancellationToken ct) => health.GetDetailsAsync(ct)),

        new(HttpMethods.Post, ApiRouteTemplates.Events, ApiAccess.Key,
            ([FromServices] EventEndpoints events, HttpRequest request, CancellationToken ct) => events.PublishAsync(request, ct)),
        new(HttpMethods.Get, ApiRouteTemplates.Event, ApiAccess.Key,
            ([FromServices] EventEndpoints events, string id, CancellationToken ct) => events.GetAsync(id, ct)),
        new(HttpMethods.Get, ApiRouteTemplates.EventDeliveries, ApiAccess.Key,
            ([FromServices] EventEndpoints events, string id, CancellationToken ct) => events.ListDeliveriesAsync(id, ct)),

        new(HttpMethods.Post, ApiRouteTemplates.Subscriptions, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, CancellationToken ct) => subscriptions.CreateAsync(request, ct)),
        new(HttpMethods.Get, ApiRouteTemplates.Subscriptions, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, CancellationToken ct) => subscriptions.ListAsync(request, ct)),
        new(HttpMethods.Get, ApiRouteTemplates.Subscription, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, string id, CancellationToken ct) => subscriptions.GetAsync(id, ct)),
        new(HttpMethods.Patch, ApiRouteTemplates.Subscription, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, string id, CancellationToken ct) => subscriptions.UpdateAsync(request, id, ct)),
        new(HttpMethods.Delete, ApiRouteTemplates.Subscription, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, string id, CancellationToken ct) => subscriptions.DeleteAsync(id, ct)),
        new(HttpMethods.Post, ApiRouteTemplates.SubscriptionSecretRotation, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, string id, CancellationToken ct) => subscriptions.RotateSecretAsync(id, ct)),
        new(HttpMethods.Post, ApiRouteTemplates.SubscriptionTest, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, string id, CancellationToken ct) => subscriptions.SendTestAsync(id, ct)),
        new(HttpMethods.Get, ApiRouteTemplates.SubscriptionDeliveries, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, string id, CancellationToken ct) => subscriptions.ListDeliveriesAsync(request, id, ct)),

        new(HttpMethods.Get, ApiRouteTemplates.DeadLetters, ApiAccess.Key,
            ([FromServices] DeadLetterEndpoints deadLetters, HttpRequest request, CancellationToken ct) => deadLetters.ListAsync(request, ct)),
        new(HttpMethods.Post, ApiRouteTemplates.DeadLetterReplay, ApiAccess.Key,
            ([FromServices] DeadLetterEndpoints deadLetters, HttpRequest request, CancellationToken ct) => deadLetters.ReplayAsync(request, ct)),
    ];
}
