namespace WebhookFunctions.Http.Contracts;

/// <summary>GET /api/health: "healthy" or "unhealthy", and per check "healthy" or the reason it is not.</summary>
internal sealed record HealthResponse(string Status, IReadOnlyDictionary<string, string> Checks);
