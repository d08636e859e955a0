namespace WebhookFunctions.Http.Routing;

/// <summary>
/// The route templates of the HTTP contract, relative to <see cref="Prefix"/>. Constants, so that the Functions
/// triggers' attributes name the same strings the self-hosted server maps (<see cref="ApiRouteTable"/>).
/// </summary>
public static class ApiRouteTemplates
{
    /// <summary>Every route is served under /api (the Functions host's routePrefix in host.json).</summary>
    public const string Prefix = "api";

    /// <summary>The status alone, without a key.</summary>
    public const string Health = "health";

    /// <summary>The status and each check's reason code, with a key.</summary>
    public const string HealthDetails = "health/details";

    /// <summary>The OpenAPI 3.1 document of this contract, without a key.</summary>
    public const string OpenApiDocument = "openapi.json";

    public const string Events = "events";
    public const string Event = "events/{id}";
    public const string EventDeliveries = "events/{id}/deliveries";

    public const string Subscriptions = "subscriptions";
    public const string Subscription = "subscriptions/{id}";
    public const string SubscriptionSecretRotation = "subscriptions/{id}/rotate-secret";
    public const string SubscriptionTest = "subscriptions/{id}/test";
    public const string SubscriptionVerification = "subscriptions/{id}/verify";
    public const string SubscriptionDeliveries = "subscriptions/{id}/deliveries";

    public const string DeadLetters = "dead-letters";
    public const string DeadLetterReplay = "dead-letters/replay";
}
