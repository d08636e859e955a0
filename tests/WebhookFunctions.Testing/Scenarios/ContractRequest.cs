namespace WebhookFunctions.Testing.Scenarios;

/// <summary>One request of the HTTP contract: a method, a path under /api (query included), a JSON body of its media type, and headers.</summary>
public sealed record ContractRequest(HttpMethod Method, string Path, string? Json = null, IReadOnlyDictionary<string, string>? Headers = null, string ContentType = "application/json")
{
    public IReadOnlyDictionary<string, string> HeadersOrNone => Headers ?? new Dictionary<string, string>();
}
