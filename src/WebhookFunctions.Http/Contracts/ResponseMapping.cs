using System.Text.Json;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Http.Contracts;

/// <summary>Engine records to response DTOs: enums as camelCase strings, times as UTC (written with a Z).</summary>
internal static class ResponseMapping
{
    public static PublishAcceptedResponse ToResponse(this PublishReceipt receipt) =>
        new(receipt.Id, receipt.Type, receipt.Timestamp.UtcDateTime);

    public static EventResponse ToResponse(this WebhookEvent webhookEvent) =>
        new(webhookEvent.Id, webhookEvent.Type, webhookEvent.Timestamp.UtcDateTime, webhookEvent.Subject, webhookEvent.Source, new RawJson(webhookEvent.Data), webhookEvent.TenantId);

    public static DeliveryAttemptResponse ToResponse(this DeliveryAttempt attempt) =>
        new(
            attempt.EventId,
            attempt.SubscriptionId,
            attempt.Attempt,
            attempt.At.UtcDateTime,
            attempt.DurationMs,
            Name(attempt.Outcome),
            attempt.StatusCode,
            attempt.Error,
            attempt.ResponseBody,
            attempt.NextAttemptAt?.UtcDateTime);

    public static SubscriptionResponse ToResponse(this Subscription subscription) =>
        new(
            subscription.Id,
            subscription.Url.OriginalString,
            subscription.EventTypes,
            subscription.Description,
            subscription.Headers,
            subscription.Filter?.Definition,
            Name(subscription.Status),
            subscription.DisabledReason is { } reason ? Name(reason) : null,
            subscription.CreatedAt.UtcDateTime,
            subscription.UpdatedAt.UtcDateTime,
            EntityTags.ToToken(subscription.ETag),
            subscription.TenantId);

    public static CreatedSubscriptionResponse ToResponse(this CreatedSubscription created)
    {
        var read = created.Subscription.ToResponse();
        return new(
            read.Id,
            read.Url,
            read.EventTypes,
            read.Description,
            read.Headers,
            read.Filter,
            read.Status,
            read.DisabledReason,
            read.CreatedAt,
            read.UpdatedAt,
            read.Etag,
            created.Secret,
            read.TenantId);
    }

    public static RotatedSecretResponse ToResponse(this RotatedSecret rotated) =>
        new(rotated.Secret, rotated.PreviousSecretExpiresAt.UtcDateTime);

    public static DeadLetterResponse ToResponse(this DeadLetter deadLetter) =>
        new(
            deadLetter.EventId,
            deadLetter.SubscriptionId,
            deadLetter.EventType,
            Name(deadLetter.Reason),
            deadLetter.Description,
            deadLetter.Attempts,
            deadLetter.FirstAttemptAt.UtcDateTime,
            deadLetter.LastAttemptAt.UtcDateTime,
            deadLetter.LastStatusCode,
            deadLetter.LastError,
            Name(deadLetter.Stage),
            deadLetter.TenantId);

    public static ReplayResponse ToResponse(this ReplayReport report) =>
        new(report.Matched, report.Replayed, report.Skipped.OrderBy(s => s.Key).ToDictionary(s => Name(s.Key), s => s.Value));

    public static PurgeResponse ToResponse(this PurgeReport report) => new(report.Matched, report.Purged, report.ContinuationToken);

    public static HealthStatusResponse ToStatusResponse(this HealthReport report) => new(Status(report));

    public static HealthDetailsResponse ToDetailsResponse(this HealthReport report) => new(Status(report), report.Checks);

    private static string Status(HealthReport report) => report.Healthy ? HealthService.Healthy : "unhealthy";

    public static PageResponse<TResponse> ToResponse<T, TResponse>(this Page<T> page, Func<T, TResponse> map) =>
        new(page.Items.Select(map).ToList(), page.ContinuationToken);

    /// <summary>The wire name of an enum member: <c>EndpointGone</c> → <c>endpointGone</c>.</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
