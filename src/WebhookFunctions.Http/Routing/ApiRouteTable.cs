using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using WebhookFunctions.Http.OpenApi;

namespace WebhookFunctions.Http.Routing;

/// <summary>
/// Every route of the HTTP contract, once, with its account in the API reference. The self-hosted server maps this
/// table and generates its OpenAPI document from it; the Functions triggers name its templates, and a test holds the
/// generated functions.metadata to it (method, template, access).
/// </summary>
public static class ApiRouteTable
{
    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        new(HttpMethods.Get, ApiRouteTemplates.Health, ApiAccess.Anonymous,
            ([FromServices] HealthEndpoints health, CancellationToken ct) => health.GetStatusAsync(ct),
            ApiOperations.Health),
        new(HttpMethods.Get, ApiRouteTemplates.HealthDetails, ApiAccess.Key,
            ([FromServices] HealthEndpoints health, CancellationToken ct) => health.GetDetailsAsync(ct),
            ApiOperations.HealthDetails),
        new(HttpMethods.Get, ApiRouteTemplates.OpenApiDocument, ApiAccess.Anonymous,
            ([FromServices] OpenApiDocumentEndpoint document) => document.Get(),
            ApiOperations.OpenApiDocument),

        new(HttpMethods.Post, ApiRouteTemplates.Events, ApiAccess.Key,
            ([FromServices] EventEndpoints events, HttpRequest request, CancellationToken ct) => events.PublishAsync(request, ct),
            ApiOperations.PublishEvent),
        new(HttpMethods.Get, ApiRouteTemplates.Event, ApiAccess.Key,
            ([FromServices] EventEndpoints events, string id, CancellationToken ct) => events.GetAsync(id, ct),
            ApiOperations.GetEvent),
        new(HttpMethods.Get, ApiRouteTemplates.EventDeliveries, ApiAccess.Key,
            ([FromServices] EventEndpoints events, string id, CancellationToken ct) => events.ListDeliveriesAsync(id, ct),
            ApiOperations.ListEventDeliveries),

        new(HttpMethods.Post, ApiRouteTemplates.Subscriptions, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, CancellationToken ct) => subscriptions.CreateAsync(request, ct),
            ApiOperations.CreateSubscription),
        new(HttpMethods.Get, ApiRouteTemplates.Subscriptions, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, CancellationToken ct) => subscriptions.ListAsync(request, ct),
            ApiOperations.ListSubscriptions),
        new(HttpMethods.Get, ApiRouteTemplates.Subscription, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, string id, CancellationToken ct) => subscriptions.GetAsync(id, ct),
            ApiOperations.GetSubscription),
        new(HttpMethods.Patch, ApiRouteTemplates.Subscription, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, string id, CancellationToken ct) => subscriptions.UpdateAsync(request, id, ct),
            ApiOperations.UpdateSubscription),
        new(HttpMethods.Delete, ApiRouteTemplates.Subscription, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, string id, CancellationToken ct) => subscriptions.DeleteAsync(id, ct),
            ApiOperations.DeleteSubscription),
        new(HttpMethods.Post, ApiRouteTemplates.SubscriptionSecretRotation, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, string id, CancellationToken ct) => subscriptions.RotateSecretAsync(id, ct),
            ApiOperations.RotateSecret),
        new(HttpMethods.Post, ApiRouteTemplates.SubscriptionTest, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, string id, CancellationToken ct) => subscriptions.SendTestAsync(id, ct),
            ApiOperations.SendTestEvent),
        new(HttpMethods.Post, ApiRouteTemplates.SubscriptionVerification, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, string id, CancellationToken ct) => subscriptions.VerifyAsync(id, ct),
            ApiOperations.VerifySubscription),
        new(HttpMethods.Get, ApiRouteTemplates.SubscriptionDeliveries, ApiAccess.Key,
            ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, string id, CancellationToken ct) => subscriptions.ListDeliveriesAsync(request, id, ct),
            ApiOperations.ListSubscriptionDeliveries),

        new(HttpMethods.Get, ApiRouteTemplates.DeadLetters, ApiAccess.Key,
            ([FromServices] DeadLetterEndpoints deadLetters, HttpRequest request, CancellationToken ct) => deadLetters.ListAsync(request, ct),
            ApiOperations.ListDeadLetters),
        new(HttpMethods.Delete, ApiRouteTemplates.DeadLetters, ApiAccess.Key,
            ([FromServices] DeadLetterEndpoints deadLetters, HttpRequest request, CancellationToken ct) => deadLetters.PurgeAsync(request, ct),
            ApiOperations.PurgeDeadLetters),
        new(HttpMethods.Post, ApiRouteTemplates.DeadLetterReplay, ApiAccess.Key,
            ([FromServices] DeadLetterEndpoints deadLetters, HttpRequest request, CancellationToken ct) => deadLetters.ReplayAsync(request, ct),
            ApiOperations.ReplayDeadLetters),
    ];
}
