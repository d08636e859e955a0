using WebhookFunctions.Engine.Subscriptions.Filters;

namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>
/// One subscription as the index lists it under one (tenant, pattern): its id, whether it is enabled, and its payload
/// filter (null: none). That is all fan-out needs to decide a match, so it reads no subscription. A disabled
/// subscription stays in the index, marked, so whoever reads the index sees it and decides (fan-out skips it).
/// </summary>
public sealed record SubscriptionIndexEntry(string SubscriptionId, bool Enabled, SubscriptionFilter? Filter);
