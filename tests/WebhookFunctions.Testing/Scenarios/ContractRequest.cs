namespace WebhookFunctions.Testing.Scenarios;

/// <summary>One request of the HTTP contract: a method, a path under /api (query included), a JSON body and headers.</summary>
public sealed record ContractRequest(HttpMethod Method, string Path, string? Json = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public IReadOnlyDictionary<string, string> HeadersOrNone => Headers ?? new Dictionary<string, string>();
}
