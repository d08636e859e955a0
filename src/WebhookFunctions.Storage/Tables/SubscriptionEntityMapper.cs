using Azure.Data.Tables;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Subscriptions.Filters;

namespace WebhookFunctions.Storage.Tables;

/// <summary>Subscription ⇄ table entity: one constant partition, the id as row key, collections and the filter as JSON.</summary>
internal static class SubscriptionEntityMapper
{
    public const string Partition = "subscription";

    public static TableEntity ToEntity(Subscription subscription) => new(Partition, subscription.Id)
    {
        ["Url"] = subscription.Url.AbsoluteUri,
        ["TenantId"] = subscription.TenantId,
        ["EventTypes"] = TableJson.Serialize(subscription.EventTypes.ToList()),
        ["Description"] = subscription.Description,
        ["Headers"] = TableJson.Serialize(new Dictionary<string, string>(subscription.Headers)),
        ["Status"] = subscription.Status.ToString(),
        ["DisabledReason"] = subscription.DisabledReason?.ToString(),
        ["Secrets"] = TableJson.Serialize(subscription.Secrets.Select(StoredSecret.From).ToList()),
        ["CreatedAt"] = subscription.CreatedAt,
        ["UpdatedAt"] = subscription.UpdatedAt,
        ["FailingSince"] = subscription.FailingSince,
        ["RequiresVerification"] = subscription.RequiresVerification,
        ["VerifiedAt"] = subscription.VerifiedAt,
        ["Filter"] = subscription.Filter?.Json,
    };

    public static Subscription ToSubscription(TableEntity entity) => new()
    {
        Id = entity.RowKey,
        Url = new Uri(entity.GetString("Url"), UriKind.Absolute),
        TenantId = entity.GetString("TenantId"),
        EventTypes = TableJson.Deserialize<List<string>>(entity.GetString("EventTypes"), "EventTypes"),
        Description = entity.GetString("Description"),
        Headers = TableJson.Deserialize<Dictionary<string, string>>(entity.GetString("Headers"), "Headers"),
        Status = Enum.Parse<SubscriptionStatus>(entity.GetString("Status")),
        DisabledReason = entity.GetString("DisabledReason") is { } reason ? Enum.Parse<DisabledReason>(reason) : null,
        Secrets = TableJson.Deserialize<List<StoredSecret>>(entity.GetString("Secrets"), "Secrets").Select(s => s.ToSecret()).ToList(),
        CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? throw new InvalidDataException("A stored subscription has no CreatedAt."),
        UpdatedAt = entity.GetDateTimeOffset("UpdatedAt") ?? throw new InvalidDataException("A stored subscription has no UpdatedAt."),
        FailingSince = entity.GetDateTimeOffset("FailingSince"),
        RequiresVerification = entity.GetBoolean("RequiresVerification") ?? false,
        VerifiedAt = entity.GetDateTimeOffset("VerifiedAt"),
        Filter = entity.GetString("Filter") is { } filter ? SubscriptionFilter.FromJson(filter) : null,
        ETag = entity.ETag.ToString(),
    };
}
