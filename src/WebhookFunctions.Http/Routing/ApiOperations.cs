using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Tenants;
using WebhookFunctions.Http.Contracts;
using WebhookFunctions.Http.Input;

namespace WebhookFunctions.Http.Routing;

/// <summary>The API reference's account of each route in <see cref="ApiRouteTable"/>.</summary>
internal static class ApiOperations
{
    private const string Json = RequestBody.Json;

    private static readonly ApiParameter Limit = new("limit", $"Items per page, 1 to {Paging.MaxLimit}.", ApiValueKind.WholeNumber);
    private static readonly ApiParameter ContinuationToken = new("continuationToken", "The continuationToken of the previous page, as it was returned.");
    private static readonly ApiParameter Location = new(HeaderNames.Location, "Where the created or accepted resource is read.");
    private static readonly ApiParameter ETag = new(HeaderNames.ETag, "The subscription's entity tag: send it as If-Match to change the subscription.");

    private static readonly ApiResponse Invalid = new(StatusCodes.Status400BadRequest, "The request is invalid; errors names each field at fault. Nothing is written.");
    private static readonly ApiResponse TooLarge = new(StatusCodes.Status413PayloadTooLarge, $"The body is over {RequestBody.MaxBytes / 1024} KiB.");
    private static readonly ApiResponse WrongMediaType = new(StatusCodes.Status415UnsupportedMediaType, "The body's content-type is not one this route accepts.");
    private static readonly ApiResponse SubscriptionNotFound = new(StatusCodes.Status404NotFound, "No subscription has this id.");
    private static readonly ApiResponse EventNotFound = new(StatusCodes.Status404NotFound, "No event has this id.");

    public static ApiOperation Health { get; } = new("getHealth", "Health", "Whether the service can reach its storage and queues")
    {
        Description = "Needs no key. The status alone: healthy (200) or unhealthy (503).",
        Responses =
        [
            new(StatusCodes.Status200OK, "Healthy.", typeof(HealthStatusResponse)),
            new(StatusCodes.Status503ServiceUnavailable, "Storage or the queue is unreachable.", typeof(HealthStatusResponse)),
        ],
    };

    public static ApiOperation HealthDetails { get; } = new("getHealthDetails", "Health", "The health status with each check")
    {
        Description = "Each check is healthy or a reason code (timeout, unauthorized, notFound, unavailable), never an error's text.",
        Responses =
        [
            new(StatusCodes.Status200OK, "Healthy.", typeof(HealthDetailsResponse)),
            new(StatusCodes.Status503ServiceUnavailable, "A check failed.", typeof(HealthDetailsResponse)),
        ],
    };

    public static ApiOperation OpenApiDocument { get; } = new("getOpenApiDocument", "Reference", "This API's OpenAPI 3.1 document")
    {
        Description = "Needs no key.",
        Responses = [new(StatusCodes.Status200OK, "The OpenAPI document.", typeof(object))],
    };

    public static ApiOperation PublishEvent { get; } = new("publishEvent", "Events", "Publish an event to every matching subscription")
    {
        Description = "application/json takes {type, data, id?, subject?}; application/cloudevents+json takes a structured CloudEvents 1.0 event. "
            + "Types starting webhook. are reserved (400). An Idempotency-Key or client id seen within the idempotency window with the same body "
            + "returns the original answer; with a different body it is 422; while the first request is still being answered, 409.",
        Request = new(typeof(PublishEventRequest), PublishInput.MediaTypes, "The event."),
        RequestHeaders = [new(PublishInput.IdempotencyKeyHeader, "Makes a retried publish safe: the same key within 24 h publishes nothing new.")],
        Responses =
        [
            new(StatusCodes.Status202Accepted, "Accepted; delivery follows.", typeof(PublishAcceptedResponse)) { Headers = [Location] },
            Invalid,
            new(StatusCodes.Status409Conflict, "A request with this Idempotency-Key or id is still being answered."),
            TooLarge,
            WrongMediaType,
            new(StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key or id was used for a different request."),
        ],
    };

    public static ApiOperation GetEvent { get; } = new("getEvent", "Events", "An event as it was accepted")
    {
        Responses = [new(StatusCodes.Status200OK, "The event.", typeof(EventResponse)), EventNotFound],
    };

    public static ApiOperation ListEventDeliveries { get; } = new("listEventDeliveries", "Events", "Every delivery attempt of an event, to every subscription it went to")
    {
        Responses = [new(StatusCodes.Status200OK, "The attempts.", typeof(ItemsResponse<DeliveryAttemptResponse>)), EventNotFound],
    };

    public static ApiOperation CreateSubscription { get; } = new("createSubscription", "Subscriptions", "Subscribe a URL to event types")
    {
        Description = "The answer is the only read, with rotation, that shows the signing secret.",
        Request = new(typeof(CreateSubscriptionRequest), [Json], "The subscription."),
        Responses =
        [
            new(StatusCodes.Status201Created, "Created, with its secret.", typeof(CreatedSubscriptionResponse)) { Headers = [Location, ETag] },
            Invalid,
            TooLarge,
            WrongMediaType,
        ],
    };

    public static ApiOperation ListSubscriptions { get; } = new("listSubscriptions", "Subscriptions", "Subscriptions, a page at a time (no secrets)")
    {
        Query = [Limit, ContinuationToken],
        Responses = [new(StatusCodes.Status200OK, "One page.", typeof(PageResponse<SubscriptionResponse>)), Invalid],
    };

    public static ApiOperation GetSubscription { get; } = new("getSubscription", "Subscriptions", "A subscription (no secret)")
    {
        Responses = [new(StatusCodes.Status200OK, "The subscription.", typeof(SubscriptionResponse)) { Headers = [ETag] }, SubscriptionNotFound],
    };

    public static ApiOperation UpdateSubscription { get; } = new("updateSubscription", "Subscriptions", "Change a subscription, or enable it again")
    {
        Description = "Fields left out stay as they are. Re-enable a disabled subscription with {\"status\":\"enabled\"}. "
            + "If-Match must hold the ETag of the subscription as last read: without it 428, when it was changed since 412.",
        Request = new(typeof(UpdateSubscriptionRequest), [Json], "The fields to change."),
        RequestHeaders = [new(HeaderNames.IfMatch, "The subscription's ETag from GET (or from the last change).", Required: true)],
        Responses =
        [
            new(StatusCodes.Status200OK, "Changed.", typeof(SubscriptionResponse)) { Headers = [ETag] },
            Invalid,
            SubscriptionNotFound,
            new(StatusCodes.Status412PreconditionFailed, "The subscription was changed since that ETag: read it again."),
            TooLarge,
            WrongMediaType,
            new(StatusCodes.Status428PreconditionRequired, "No If-Match header."),
        ],
    };

    public static ApiOperation DeleteSubscription { get; } = new("deleteSubscription", "Subscriptions", "Delete a subscription")
    {
        Description = "Pending deliveries to it end as subscriptionDeleted in the delivery log.",
        Responses = [new(StatusCodes.Status204NoContent, "Deleted."), SubscriptionNotFound],
    };

    public static ApiOperation RotateSecret { get; } = new("rotateSubscriptionSecret", "Subscriptions", "Replace the signing secret")
    {
        Description = "Until previousSecretExpiresAt both secrets sign, so receivers can switch without losing a delivery.",
        Responses = [new(StatusCodes.Status200OK, "The new secret.", typeof(RotatedSecretResponse)), SubscriptionNotFound],
    };

    public static ApiOperation SendTestEvent { get; } = new("sendSubscriptionTestEvent", "Subscriptions", "Send a webhook.test event to this subscription alone")
    {
        Responses =
        [
            new(StatusCodes.Status202Accepted, "Accepted; delivery follows.", typeof(PublishAcceptedResponse)) { Headers = [Location] },
            SubscriptionNotFound,
        ],
    };

    public static ApiOperation VerifySubscription { get; } = new("verifySubscription", "Subscriptions", "Run the endpoint verification handshake again")
    {
        Description = "Sends a signed webhook.verification event with a random challenge; a 2xx answer with {\"challenge\": \"<same>\"} marks the endpoint verified at its URL and enables a subscription pending verification.",
        Responses =
        [
            new(StatusCodes.Status200OK, "Passed; the subscription as it is now.", typeof(SubscriptionResponse)) { Headers = [ETag] },
            SubscriptionNotFound,
            new(StatusCodes.Status422UnprocessableEntity, "The endpoint did not pass; the detail says why. A pending subscription stays pending."),
        ],
    };

    public static ApiOperation ListSubscriptionDeliveries { get; } = new("listSubscriptionDeliveries", "Subscriptions", "A subscription's delivery attempts, newest first")
    {
        Query = [Limit, ContinuationToken],
        Responses = [new(StatusCodes.Status200OK, "One page.", typeof(PageResponse<DeliveryAttemptResponse>)), Invalid, SubscriptionNotFound],
    };

    /// <summary>The filters the dead-letter listing and purge share; every one left out matches all.</summary>
    private static readonly ApiParameter[] DeadLetterFilters =
    [
        new("subscriptionId", "Only this subscription's (delivery dead letters)."),
        new("eventType", "Only this event type."),
        new("since", "Last attempt at or after this RFC 3339 time.", ApiValueKind.Time),
        new("until", "Last attempt before this RFC 3339 time.", ApiValueKind.Time),
        new(DeadLetterStageName.Field, "delivery (to one subscription) or fanOut (never fanned out, no subscription)."),
        new(TenantIds.Field, "Only the dead letters of events published for this tenant."),
    ];

    public static ApiOperation ListDeadLetters { get; } = new("listDeadLetters", "Dead letters", "What was given up on, with the reason")
    {
        Query = [.. DeadLetterFilters, Limit, ContinuationToken],
        Responses = [new(StatusCodes.Status200OK, "One page.", typeof(PageResponse<DeadLetterResponse>)), Invalid],
    };

    public static ApiOperation PurgeDeadLetters { get; } = new("purgeDeadLetters", "Dead letters", "Delete matching dead letters, a page at a time")
    {
        Description = "Removes the page the listing with the same query would show (limit items at most) and answers the listing's "
            + "continuationToken: call again with it until it is null. matched counts the page's dead letters, purged those removed "
            + "(one replayed or dead-lettered again meanwhile is kept). A dry run counts the page and removes nothing. "
            + "A subscriptionId that names no subscription is 404, unless dead letters of it matched (a deleted subscription's are purged).",
        Query = [.. DeadLetterFilters, Limit, ContinuationToken, new(DeadLetterEndpoints.DryRunField, "true: count the page, remove nothing.", ApiValueKind.Boolean)],
        Responses =
        [
            new(StatusCodes.Status200OK, "What was done.", typeof(PurgeResponse)),
            Invalid,
            new(StatusCodes.Status404NotFound, "The subscriptionId names no subscription and no dead letter."),
        ],
    };

    public static ApiOperation ReplayDeadLetters { get; } = new("replayDeadLetters", "Dead letters", "Send matching dead letters again")
    {
        Description = "A replayed delivery starts again at attempt 1 and leaves the store once re-enqueued; a fan-out dead letter is fanned out again. "
            + "One whose subscription is disabled or deleted, or whose event is gone, is not replayed, keeps its record and is counted in skipped. "
            + "A dry run counts the matches and what would be skipped, and changes nothing (replayed is 0).",
        Request = new(typeof(ReplayRequest), [Json], "Which dead letters; every field left out matches all."),
        Responses =
        [
            new(StatusCodes.Status200OK, "What was done.", typeof(ReplayResponse)),
            Invalid,
            new(StatusCodes.Status404NotFound, "The subscriptionId or eventId names nothing that exists."),
            TooLarge,
            WrongMediaType,
        ],
    };
}
