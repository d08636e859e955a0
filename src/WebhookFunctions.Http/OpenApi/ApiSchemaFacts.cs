using System.Text.Json;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Http.Contracts;

namespace WebhookFunctions.Http.OpenApi;

/// <summary>
/// What the contract types alone do not tell a schema generator: the closed sets of names some string fields hold
/// (from the engine's enums, written as the responses write them) and the fields that hold any JSON value.
/// </summary>
public static class ApiSchemaFacts
{
    private static readonly string[] SubscriptionStatuses = Names<SubscriptionStatus>();
    private static readonly string[] DisabledReasons = Names<DisabledReason>();
    private static readonly string[] HealthStatuses = ["healthy", "unhealthy"];

    private static readonly Dictionary<(Type, string), string[]> Enumerations = new()
    {
        [(typeof(DeliveryAttemptResponse), "outcome")] = Names<AttemptOutcome>(),
        [(typeof(SubscriptionResponse), "status")] = SubscriptionStatuses,
        [(typeof(SubscriptionResponse), "disabledReason")] = DisabledReasons,
        [(typeof(CreatedSubscriptionResponse), "status")] = SubscriptionStatuses,
        [(typeof(CreatedSubscriptionResponse), "disabledReason")] = DisabledReasons,
        [(typeof(UpdateSubscriptionRequest), "status")] = SubscriptionStatuses,
        [(typeof(DeadLetterResponse), "reason")] = Names<DeadLetterReason>(),
        [(typeof(DeadLetterResponse), "stage")] = Names<DeadLetterStage>(),
        [(typeof(ReplayRequest), "stage")] = Names<DeadLetterStage>(),
        [(typeof(HealthStatusResponse), "status")] = HealthStatuses,
        [(typeof(HealthDetailsResponse), "status")] = HealthStatuses,
    };

    private static readonly HashSet<Type> RequestBodies =
        [typeof(PublishEventRequest), typeof(CreateSubscriptionRequest), typeof(UpdateSubscriptionRequest), typeof(ReplayRequest)];

    /// <summary>What a request must hold; the handlers parse every field as optional so that a missing one is a 400 naming it.</summary>
    private static readonly Dictionary<Type, string[]> RequiredFields = new()
    {
        [typeof(PublishEventRequest)] = ["type"],
        [typeof(CreateSubscriptionRequest)] = ["url", "eventTypes"],
    };

    /// <summary>Fields a response leaves out rather than writing null.</summary>
    private static readonly Dictionary<Type, string[]> OmittedWhenNull = new()
    {
        [typeof(ProblemResponse)] = ["errors"],
    };

    private static readonly HashSet<(Type, string)> Times = [(typeof(ReplayRequest), "since"), (typeof(ReplayRequest), "until")];

    /// <summary>Whether <paramref name="type"/> is a request body, whose unknown fields are refused (400).</summary>
    public static bool IsRequestBody(Type type) => RequestBodies.Contains(type);

    /// <summary>The fields a request body of <paramref name="type"/> must hold.</summary>
    public static IReadOnlyList<string> Required(Type type) => RequiredFields.GetValueOrDefault(type) ?? [];

    /// <summary>The fields of a response of <paramref name="type"/> that are absent, not null, when they have no value.</summary>
    public static IReadOnlyList<string> OmittedWhenAbsent(Type type) => OmittedWhenNull.GetValueOrDefault(type) ?? [];

    /// <summary>Whether a string field is an RFC 3339 time.</summary>
    public static bool IsTime(Type declaringType, string jsonPropertyName) => Times.Contains((declaringType, jsonPropertyName));

    /// <summary>The names a string property of a contract type may hold, or null when it is free text.</summary>
    public static IReadOnlyList<string>? AllowedValues(Type declaringType, string jsonPropertyName) =>
        Enumerations.GetValueOrDefault((declaringType, jsonPropertyName));

    /// <summary>The body of every error answer: RFC 9457 problem details.</summary>
    public static Type Problem { get; } = typeof(ProblemResponse);

    /// <summary>The keys <c>skipped</c> of a replay answer may have.</summary>
    public static IReadOnlyList<string> ReplaySkipCauses { get; } = Names<ReplaySkipCause>();

    /// <summary>Whether values of <paramref name="type"/> are any JSON the client sent (event data), written verbatim.</summary>
    public static bool HoldsAnyJson(Type type) => type == typeof(RawJson) || type == typeof(JsonElement);

    /// <summary>Whether <paramref name="type"/> is the answer to a replay.</summary>
    public static bool IsReplayAnswer(Type type) => type == typeof(ReplayResponse);

    private static string[] Names<TEnum>()
        where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Select(ResponseMapping.Name).ToArray();
}
