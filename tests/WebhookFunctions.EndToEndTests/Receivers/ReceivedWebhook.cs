namespace WebhookFunctions.EndToEndTests.Receivers;

/// <summary>One POST a test receiver got.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset ReceivedAt)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No header {name}");

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
