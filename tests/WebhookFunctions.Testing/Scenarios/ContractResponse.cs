using System.Text.Json;

namespace WebhookFunctions.Testing.Scenarios;

/// <summary>A response of the HTTP contract: status, headers (names lower-case) and body text.</summary>
public sealed record ContractResponse(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"{StatusCode}: {Body}";
}
