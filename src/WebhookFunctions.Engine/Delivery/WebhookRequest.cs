namespace WebhookFunctions.Engine.Delivery;

/// <summary>One POST to make: the receiver's URL, the signed body and every header besides content-type.</summary>
public sealed record WebhookRequest(Uri Url, ReadOnlyMemory<byte> Body, IReadOnlyList<KeyValuePair<string, string>> Headers);
