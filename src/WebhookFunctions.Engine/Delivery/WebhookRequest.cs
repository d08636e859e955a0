namespace WebhookFunctions.Engine.Delivery;

public sealed record WebhookRequest(Uri Url, ReadOnlyMemory<byte> Body, IReadOnlyList<KeyValuePair<string, string>> Headers);
