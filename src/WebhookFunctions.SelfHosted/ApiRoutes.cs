using Microsoft.AspNetCore.Mvc;
using WebhookFunctions.Http;
using WebhookFunctions.Http.Security;

namespace WebhookFunctions.SelfHosted;

/// <summary>The routes of the HTTP contract; every one but health needs an API key.</summary>
internal static class ApiRoutes
{
    public static void MapWebhookApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/health", ([FromServices] HealthEndpoints health, HttpRequest request, CancellationToken ct) => health.GetStatusAsync(request, ct));

        var secured = api.MapGroup("").RequireApiKey();

        secured.MapGet("/" + HealthEndpoints.DetailsRoute, ([FromServices] HealthEndpoints health, HttpRequest request, CancellationToken ct) => health.GetDetailsAsync(request, ct));

        secured.MapPost("/events", ([FromServices] EventEndpoints events, HttpRequest request, CancellationToken ct) => events.PublishAsync(request, ct));
        secured.MapGet("/events/{id}", ([FromServices] EventEndpoints events, HttpRequest request, string id, CancellationToken ct) => events.GetAsync(request, id, ct));
        secured.MapGet("/events/{id}/deliveries", ([FromServices] EventEndpoints events, HttpRequest request, string id, CancellationToken ct) => events.ListDeliveriesAsync(request, id, ct));

        secured.MapPost("/subscriptions", ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, CancellationToken ct) => subscriptions.CreateAsync(request, ct));
        secured.MapGet("/subscriptions", ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, CancellationToken ct) => subscriptions.ListAsync(request, ct));
        secured.MapGet("/subscriptions/{id}", ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, string id, CancellationToken ct) => subscriptions.GetAsync(request, id, ct));
        secured.MapPatch("/subscriptions/{id}", ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, string id, CancellationToken ct) => subscriptions.UpdateAsync(request, id, ct));
        secured.MapDelete("/subscriptions/{id}", ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, string id, CancellationToken ct) => subscriptions.DeleteAsync(request, id, ct));
        secured.MapPost("/subscriptions/{id}/rotate-secret", ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, string id, CancellationToken ct) => subscriptions.RotateSecretAsync(request, id, ct));
        secured.MapPost("/subscriptions/{id}/test", ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, string id, CancellationToken ct) => subscriptions.SendTestAsync(request, id, ct));
        secured.MapGet("/subscriptions/{id}/deliveries", ([FromServices] SubscriptionEndpoints subscriptions, HttpRequest request, string id, CancellationToken ct) => subscriptions.ListDeliveriesAsync(request, id, ct));

        secured.MapGet("/dead-letters", ([FromServices] DeadLetterEndpoints deadLetters, HttpRequest request, CancellationToken ct) => deadLetters.ListAsync(request, ct));
        secured.MapPost("/dead-letters/replay", ([FromServices] DeadLetterEndpoints deadLetters, HttpRequest request, CancellationToken ct) => deadLetters.ReplayAsync(request, ct));
    }
}
