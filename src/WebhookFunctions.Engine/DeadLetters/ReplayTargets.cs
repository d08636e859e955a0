using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Engine.DeadLetters;

/// <summary>
/// What one replay needs to know about the subscriptions and events its dead letters name, each read once per replay
/// from the stores themselves (not the delivery cache), so a subscription enabled just before the replay counts as
/// enabled.
/// </summary>
internal sealed class ReplayTargets(ISubscriptionStore subscriptions, IEventStore events)
{
    private readonly Dictionary<string, Subscription?> subscriptionsById = [];
    private readonly Dictionary<string, bool> eventExists = [];

    public async Task<Subscription?> SubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        if (!subscriptionsById.TryGetValue(subscriptionId, out var subscription))
        {
            subscription = await subscriptions.GetAsync(subscriptionId, cancellationToken);
            subscriptionsById[subscriptionId] = subscription;
        }

        return subscription;
    }

    public async Task<bool> EventExistsAsync(string eventId, CancellationToken cancellationToken)
    {
        if (!eventExists.TryGetValue(eventId, out var exists))
        {
            exists = await events.GetAsync(eventId, cancellationToken) is not null;
            eventExists[eventId] = exists;
        }

        return exists;
    }

    /// <summary>Null when the dead letter can be replayed; otherwise why it stays.</summary>
    public async Task<ReplaySkipCause?> SkipCauseAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        if (deadLetter is { Stage: DeadLetterStage.Delivery, SubscriptionId: { } subscriptionId })
        {
            switch (await SubscriptionAsync(subscriptionId, cancellationToken))
            {
                case null:
                    return ReplaySkipCause.SubscriptionDeleted;
                case { Status: not SubscriptionStatus.Enabled }:
                    return ReplaySkipCause.SubscriptionDisabled;
            }
        }

        return await EventExistsAsync(deadLetter.EventId, cancellationToken) ? null : ReplaySkipCause.EventExpired;
    }
}
