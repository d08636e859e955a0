using Azure.Data.Tables;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Subscriptions.Filters;

namespace WebhookFunctions.Storage.Tables.SubscriptionIndex;

/// <summary>
/// Layout version 3 of the subscriptions table. Beside the subscriptions themselves (partition
/// <see cref="SubscriptionEntityMapper.Partition"/>, unchanged from version 1):
/// <list type="bullet">
/// <item>an index partition per (tenant, pattern), <c>ix|{tenantId}|{pattern}</c> (the tenant empty for none), one
/// entity per subscription listing that pattern: row key its id, <c>Enabled</c> its status, <c>Filter</c> its payload
/// filter's stored JSON (absent: no filter; at most <see cref="FilterLimits.MaxJsonLength"/> characters, well within a
/// table string property). Version 2 had no <c>Filter</c> on entries;</item>
/// <item>the partition <see cref="PendingPartition"/>: one marker per index partition a write in progress may touch,
/// so a write that died between the subscription and its index entries is finished by the repair;</item>
/// <item>the entity (<see cref="LayoutPartition"/>, <see cref="LayoutRowKey"/>) holding the layout version.</item>
/// </list>
/// Tenant ids and patterns contain neither '|' nor any character a table key forbids, so keys cannot collide.
/// </summary>
internal static class SubscriptionIndexLayout
{
    public const int CurrentVersion = 3;

    /// <summary>The layout whose index entries had no filter: they are right for every subscription without one.</summary>
    public const int UnfilteredIndexVersion = 2;
    public const string LayoutPartition = "layout";
    public const string LayoutRowKey = "version";
    public const string VersionProperty = "Version";
    public const string PendingPartition = "ixpending";
    public const string EnabledProperty = "Enabled";
    public const string FilterProperty = "Filter";
    public const string SubscriptionIdProperty = "SubscriptionId";
    public const string IndexPartitionProperty = "IndexPartition";

    private const string IndexPrefix = "ix|";

    public static string IndexPartition(string? tenantId, string pattern) => $"{IndexPrefix}{tenantId}|{pattern}";

    /// <summary>The index partitions a subscription is listed in: one per pattern it lists.</summary>
    public static IReadOnlySet<string> PartitionsOf(Subscription? subscription) =>
        subscription is null
            ? new HashSet<string>(StringComparer.Ordinal)
            : subscription.EventTypes.Select(pattern => IndexPartition(subscription.TenantId, pattern)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Its index entry in <paramref name="partition"/>.</summary>
    public static TableEntity IndexEntry(string partition, Subscription subscription) => new(partition, subscription.Id)
    {
        [EnabledProperty] = subscription.IsFanOutTarget,
        [FilterProperty] = subscription.Filter?.Json,
    };

    /// <exception cref="InvalidDataException">The stored filter is not a valid filter.</exception>
    public static SubscriptionIndexEntry ToIndexEntry(TableEntity entity) =>
        new(
            entity.RowKey,
            entity.GetBoolean(EnabledProperty) ?? true,
            entity.GetString(FilterProperty) is { } filter ? SubscriptionFilter.FromJson(filter) : null);

    /// <summary>Whether two versions are listed alike: same tenant, same patterns, same status, same filter.</summary>
    public static bool IndexedAlike(Subscription? a, Subscription? b) =>
        a is not null && b is not null
        && string.Equals(a.TenantId, b.TenantId, StringComparison.Ordinal)
        && a.IsFanOutTarget == b.IsFanOutTarget
        && Equals(a.Filter, b.Filter)
        && PartitionsOf(a).SetEquals(PartitionsOf(b));

    /// <summary>A marker for one index partition of one write; the write's own token keeps writers' markers apart.</summary>
    public static TableEntity PendingMarker(string subscriptionId, string indexPartition, string writeToken) =>
        new(PendingPartition, $"{subscriptionId}|{writeToken}|{indexPartition}")
        {
            [SubscriptionIdProperty] = subscriptionId,
            [IndexPartitionProperty] = indexPartition,
        };
}
