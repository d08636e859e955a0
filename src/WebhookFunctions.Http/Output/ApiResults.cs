using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using WebhookFunctions.Http.Contracts;

namespace WebhookFunctions.Http.Output;

/// <summary>Successful responses, serialized with the source-generated API context (see <see cref="ResponseJson"/>).</summary>
internal static class ApiResults
{
    public static IResult Ok<T>(T body, JsonTypeInfo<T> type) => Results.Json(body, ResponseJson.For(type), statusCode: StatusCodes.Status200OK);

    public static IResult Ok<T>(T body, JsonTypeInfo<T> type, string etag) =>
        new HeaderedResult(Ok(body, type), (HeaderNames.ETag, etag));

    public static IResult Created<T>(T body, JsonTypeInfo<T> type, string location, string? etag) =>
        etag is null
            ? new HeaderedResult(Results.Json(body, ResponseJson.For(type), statusCode: StatusCodes.Status201Created), (HeaderNames.Location, location))
            : new HeaderedResult(
                Results.Json(body, ResponseJson.For(type), statusCode: StatusCodes.Status201Created),
                (HeaderNames.Location, location),
                (HeaderNames.ETag, etag));

    public static IResult Accepted<T>(T body, JsonTypeInfo<T> type, string location) =>
        new HeaderedResult(Results.Json(body, ResponseJson.For(type), statusCode: StatusCodes.Status202Accepted), (HeaderNames.Location, location));

    public static IResult NoContent() => Results.NoContent();

    public static string EventLocation(string eventId) => $"/api/events/{Uri.EscapeDataString(eventId)}";

    public static string SubscriptionLocation(string subscriptionId) => $"/api/subscriptions/{Uri.EscapeDataString(subscriptionId)}";
}
