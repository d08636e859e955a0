using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebhookFunctions.Http.Contracts;

/// <summary>
/// The API's JSON: camelCase, nulls written (the contract shows them), unknown request fields refused so a typo is
/// an error rather than a silent no-op, and nesting capped at 64.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false,
    MaxDepth = ApiJsonContext.MaxDepth,
    Converters = [typeof(UtcMillisecondsJsonConverter)])]
[JsonSerializable(typeof(PublishEventRequest))]
[JsonSerializable(typeof(CreateSubscriptionRequest))]
[JsonSerializable(typeof(UpdateSubscriptionRequest))]
[JsonSerializable(typeof(ReplayRequest))]
[JsonSerializable(typeof(ProblemResponse))]
[JsonSerializable(typeof(PublishAcceptedResponse))]
[JsonSerializable(typeof(EventResponse))]
[JsonSerializable(typeof(ItemsResponse<DeliveryAttemptResponse>))]
[JsonSerializable(typeof(PageResponse<DeliveryAttemptResponse>))]
[JsonSerializable(typeof(SubscriptionResponse))]
[JsonSerializable(typeof(CreatedSubscriptionResponse))]
[JsonSerializable(typeof(PageResponse<SubscriptionResponse>))]
[JsonSerializable(typeof(RotatedSecretResponse))]
[JsonSerializable(typeof(PageResponse<DeadLetterResponse>))]
[JsonSerializable(typeof(ReplayResponse))]
[JsonSerializable(typeof(PurgeResponse))]
[JsonSerializable(typeof(HealthStatusResponse))]
[JsonSerializable(typeof(HealthDetailsResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext
{
    public const int MaxDepth = 64;
}
