using System.Text;

namespace WebhookFunctions.Testing.Receivers;

/// <summary>
/// One request a receiver endpoint got, with the secrets (of those the endpoint trusted at that moment) whose
/// Standard Webhooks signature it carried and that verified.
/// </summary>
public sealed record ReceivedWebhook(
    string Endpoint,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<string> VerifiedSecrets)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"The webhook has no {name} header.");

    public bool VerifiesWith(string secret) => VerifiedSecrets.Contains(secret, StringComparer.Ordinal);
}
