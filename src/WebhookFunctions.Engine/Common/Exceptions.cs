namespace WebhookFunctions.Engine.Common;

/// <summary>A store refused a write because the entity changed since the ETag the caller holds.</summary>
public sealed class ETagMismatchException(string message) : Exception(message);

/// <summary>A continuation token that no store page produced (forged, truncated or from another listing).</summary>
public sealed class InvalidContinuationTokenException(string message) : Exception(message);
