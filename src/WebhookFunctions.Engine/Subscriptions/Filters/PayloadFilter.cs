using System.Text.Json;
using WebhookFunctions.Engine.Events;

namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>Narrows the subscriptions an event's type matched to those whose payload filter it passes.</summary>
public static class PayloadFilter
{
    public static bool AnyFiltered(IReadOnlyList<Subscription> subscriptions)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        return subscriptions.Any(s => s.Filter is not null);
    }

    /// <summary>
    /// The subscriptions without a filter, and those whose filter the event passes; the envelope is parsed once for all.
    /// </summary>
    /// <exception cref="JsonException">The event's data is not valid JSON.</exception>
    public static IReadOnlyList<Subscription> Apply(IReadOnlyList<Subscription> subscriptions, WebhookEvent webhookEvent)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        if (!AnyFiltered(subscriptions))
        {
            return subscriptions;
        }

        using var filterable = FilterableEvent.From(webhookEvent);
        var passed = new List<Subscription>(subscriptions.Count);
        foreach (var subscription in subscriptions)
        {
            if (subscription.Filter is null || subscription.Filter.Matches(filterable))
            {
                passed.Add(subscription);
            }
        }

        return passed;
    }
}
