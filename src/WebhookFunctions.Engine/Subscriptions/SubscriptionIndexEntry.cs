namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>
/// One subscription as the index lists it under one (tenant, pattern): its id and whether it is enabled. A disabled
/// subscription stays in the index, marked, so whoever reads the index sees it and decides (fan-out skips it).
/// </summary>
public sealed record SubscriptionIndexEntry(string SubscriptionId, bool Enabled);
