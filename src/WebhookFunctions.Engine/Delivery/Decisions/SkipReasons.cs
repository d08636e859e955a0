namespace WebhookFunctions.Engine.Delivery.Decisions;

/// <summary>Why a delivery was logged <c>skipped</c>: the attempt log's <c>error</c> field.</summary>
public static class SkipReasons
{
    /// <summary>The job's event is past its retention (or was never stored): there is nothing left to deliver.</summary>
    public const string EventExpired = "eventExpired";
    public const string SubscriptionDeleted = "subscriptionDeleted";
    public const string SubscriptionDisabled = "subscriptionDisabled";

    /// <summary>The endpoint has not passed the verification handshake at its URL; the event is logged, not sent.</summary>
    public const string PendingVerification = "pendingVerification";

    /// <summary>An operational event about this very subscription: never sent to it, so its failures cannot feed themselves.</summary>
    public const string AboutItself = "aboutItself";
}
