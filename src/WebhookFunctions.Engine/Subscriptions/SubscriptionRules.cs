namespace WebhookFunctions.Engine.Subscriptions;

public static class SubscriptionRules
{
    public static IReadOnlyDictionary<string, string[]> Validate(SubscriptionInput input, bool allowHttp) => throw new NotImplementedException();

    public static IReadOnlyDictionary<string, string[]> Validate(SubscriptionPatch patch, bool allowHttp) => throw new NotImplementedException();
}
