using System.Text.Json;
using WebhookFunctions.Engine.Events;

namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>
/// Narrows the targets an event's type matched (subscriptions, or their index entries) to those whose payload filter
/// the event passes.
/// </summary>
public static class PayloadFilter
{
    public static bool AnyFiltered<T>(IReadOnlyList<T> targets, Func<T, SubscriptionFilter?> filterOf)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(filterOf);
        return targets.Any(target => filterOf(target) is not null);
    }

    /// <summary>
    /// The targets without a filter, and those whose filter the event passes; the envelope is parsed once for all.
    /// </summary>
    /// <exception cref="JsonException">The event's data is not valid JSON.</exception>
    public static IReadOnlyList<T> Apply<T>(IReadOnlyList<T> targets, Func<T, SubscriptionFilter?> filterOf, WebhookEvent webhookEvent)
    {
        if (!AnyFiltered(targets, filterOf))
        {
            return targets;
        }

        using var filterable = FilterableEvent.From(webhookEvent);
        var passed = new List<T>(targets.Count);
        foreach (var target in targets)
        {
            if (filterOf(target) is not { } filter || filter.Matches(filterable))
            {
                passed.Add(target);
            }
        }

        return passed;
    }
}
