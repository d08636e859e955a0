using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Engine.OperationalEvents;

/// <summary>
/// The events the service raises about its own subscriptions. Each one's <see cref="WebhookEvent.Subject"/> is the id
/// of the subscription it is about.
/// </summary>
public static class OperationalEventTypes
{
    public const string EndpointDisabled = "webhook.endpoint.disabled";
    public const string EndpointFailing = "webhook.endpoint.failing";
    public const string EndpointRecovered = "webhook.endpoint.recovered";
    public const string DeliveryDeadLettered = "webhook.delivery.deadLettered";

    public static readonly IReadOnlyList<string> All = [EndpointDisabled, EndpointFailing, EndpointRecovered, DeliveryDeadLettered];

    /// <summary>Whether <paramref name="webhookEvent"/> is an operational event about subscription <paramref name="subscriptionId"/>.</summary>
    public static bool IsAbout(WebhookEvent webhookEvent, string subscriptionId) =>
        All.Contains(webhookEvent.Type, StringComparer.Ordinal) && string.Equals(webhookEvent.Subject, subscriptionId, StringComparison.Ordinal);

    /// <summary>A subscription that receives any operational event: nothing is raised about it, so two of them cannot feed each other.</summary>
    public static bool ReceivesAny(Subscription subscription) =>
        All.Any(type => EventTypeFilter.Matches(subscription.EventTypes, type));
}
