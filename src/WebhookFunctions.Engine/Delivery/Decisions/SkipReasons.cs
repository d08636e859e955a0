namespace WebhookFunctions.Engine.Delivery.Decisions;

/// <summary>Why a delivery was logged <c>skipped</c>: the attempt log's <c>error</c> field.</summary>
public static class SkipReasons
{
    /// <summary>The job's event is past its retention (or was never stored): there is nothing left to deliver.</summary>
    public const string EventExpired = "eventExpired";
    public const string SubscriptionDeleted = "subscriptionDeleted";
    public const string SubscriptionDisabled = "subscriptionDisabled";
}
