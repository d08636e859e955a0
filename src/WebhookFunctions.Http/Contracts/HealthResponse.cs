namespace WebhookFunctions.Http.Contracts;

/// <summary>GET /api/health, anonymous: "healthy" or "unhealthy", nothing else.</summary>
internal sealed record HealthStatusResponse(string Status);

/// <summary>
/// GET /api/health/details, with a key: the status and, per check, "healthy" or a reason code (timeout,
/// unauthorized, notFound, unavailable); never an exception's text.
/// </summary>
internal sealed record HealthDetailsResponse(string Status, IReadOnlyDictionary<string, string> Checks);
