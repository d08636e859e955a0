namespace WebhookFunctions.Engine.Delivery;

/// <summary>Standard Webhooks signatures: v1,base64(HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")).</summary>
public static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";

    /// <summary>One signature, "v1,&lt;base64&gt;", for a secret in its whsec_ form.</summary>
    public static string Sign(string secret, string webhookId, long timestamp, ReadOnlySpan<byte> body) => throw new NotImplementedException();

    /// <summary>The webhook-signature header value: one signature per secret, space-separated.</summary>
    public static string SignatureHeader(IEnumerable<string> secrets, string webhookId, long timestamp, ReadOnlySpan<byte> body) => throw new NotImplementedException();

    /// <summary>A new secret: whsec_ + base64 of 32 random bytes.</summary>
    public static string NewSecret() => throw new NotImplementedException();

    /// <summary>True for whsec_ + base64 of 24 to 64 bytes.</summary>
    public static bool IsValidSecret(string secret) => throw new NotImplementedException();
}
