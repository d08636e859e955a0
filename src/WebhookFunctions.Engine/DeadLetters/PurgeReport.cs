namespace WebhookFunctions.Engine.DeadLetters;

/// <summary>
/// What one purge call did: how many dead letters of its page matched, how many of them it removed, and where the
/// next call continues (null when the filter has nothing further to look at).
/// </summary>
public sealed record PurgeReport(int Matched, int Purged, string? ContinuationToken);
