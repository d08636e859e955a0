using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Engine.Subscriptions;

public static class SubscriptionStoreExtensions
{
    /// <summary>
    /// Reads, changes and writes a subscription under its ETag, reading again when someone else wrote first.
    /// <paramref name="change"/> returns null when nothing needs writing. Returns the stored result, or null when the
    /// subscription is gone or the change was not needed; an ETag conflict on every try is rethrown.
    /// </summary>
    public static async Task<Subscription?> UpdateWithRetryAsync(
        this ISubscriptionStore store, string subscriptionId, Func<Subscription, Subscription?> change, CancellationToken cancellationToken)
    {
        const int Tries = 3;
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(subscriptionId, cancellationToken);
            if (current is null || change(current) is not { } changed)
            {
                return null;
            }

            try
            {
                return await store.ReplaceAsync(changed, current.ETag!, cancellationToken);
            }
            catch (ETagMismatchException) when (attempt < Tries)
            {
                // Written meanwhile: decide again on the fresh copy.
            }
            catch (KeyNotFoundException)
            {
                return null;
            }
        }
    }
}
