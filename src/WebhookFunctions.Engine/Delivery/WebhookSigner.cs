using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace WebhookFunctions.Engine.Delivery;

/// <summary>Standard Webhooks signatures: v1,base64(HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")).</summary>
public static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";

    private const string SignaturePrefix = "v1,";
    private const int MinSecretBytes = 24;
    private const int MaxSecretBytes = 64;
    private const int NewSecretBytes = 32;
    private const int StackKeyLimit = 256;

    // "v1," + base64 of a 32-byte HMAC (44 chars).
    private const int SignatureLength = 3 + 44;

    /// <summary>One signature, "v1,&lt;base64&gt;", for a secret in its whsec_ form.</summary>
    /// <exception cref="ArgumentException">The secret is not whsec_ + base64.</exception>
    public static string Sign(string secret, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(webhookId);

        var content = SignedContent.Rent(webhookId, timestamp, body);
        try
        {
            Span<char> signature = stackalloc char[SignatureLength];
            WriteSignature(secret, content.Span, signature);
            return new string(signature);
        }
        finally
        {
            content.Return();
        }
    }

    /// <summary>The webhook-signature header value: one signature per secret, space-separated.</summary>
    /// <exception cref="ArgumentException">A secret is not whsec_ + base64, or there is none.</exception>
    public static string SignatureHeader(IEnumerable<string> secrets, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(webhookId);

        var secretList = secrets as IReadOnlyList<string> ?? secrets.ToList();
        if (secretList.Count == 0)
        {
            throw new ArgumentException("At least one secret is needed to sign.", nameof(secrets));
        }

        if (secretList.Count == 1)
        {
            return Sign(secretList[0], webhookId, timestamp, body);
        }

        var content = SignedContent.Rent(webhookId, timestamp, body);
        try
        {
            var header = new StringBuilder((SignatureLength + 1) * secretList.Count);
            Span<char> signature = stackalloc char[SignatureLength];
            for (var i = 0; i < secretList.Count; i++)
            {
                if (i > 0)
                {
                    header.Append(' ');
                }

                WriteSignature(secretList[i], content.Span, signature);
                header.Append(signature);
            }

            return header.ToString();
        }
        finally
        {
            content.Return();
        }
    }

    /// <summary>A new secret: whsec_ + base64 of 32 random bytes.</summary>
    public static string NewSecret()
    {
        Span<byte> key = stackalloc byte[NewSecretBytes];
        RandomNumberGenerator.Fill(key);
        return SecretPrefix + Convert.ToBase64String(key);
    }

    /// <summary>True for whsec_ + base64 of 24 to 64 bytes.</summary>
    public static bool IsValidSecret(string secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var encoded = secret.AsSpan(SecretPrefix.Length);
        Span<byte> key = stackalloc byte[MaxSecretBytes];
        return !ContainsWhiteSpace(encoded)
            && Convert.TryFromBase64Chars(encoded, key, out var length)
            && length >= MinSecretBytes;
    }

    private static void WriteSignature(string secret, ReadOnlySpan<byte> content, Span<char> destination)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret.AsSpan(SecretPrefix.Length) : secret.AsSpan();

        var maxKeyLength = Base64.GetMaxDecodedFromUtf8Length(encoded.Length);
        byte[]? rentedKey = null;
        Span<byte> keyBuffer = maxKeyLength <= StackKeyLimit ? stackalloc byte[StackKeyLimit] : (rentedKey = ArrayPool<byte>.Shared.Rent(maxKeyLength));
        try
        {
            if (ContainsWhiteSpace(encoded) || !Convert.TryFromBase64Chars(encoded, keyBuffer, out var keyLength) || keyLength == 0)
            {
                throw new ArgumentException("A signing secret must be whsec_ followed by base64.", nameof(secret));
            }

            var key = keyBuffer[..keyLength];
            Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, content, hash);
            CryptographicOperations.ZeroMemory(key);

            SignaturePrefix.CopyTo(destination);
            Convert.TryToBase64Chars(hash, destination[SignaturePrefix.Length..], out _);
        }
        finally
        {
            if (rentedKey is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedKey, clearArray: true);
            }
        }
    }

    private static bool ContainsWhiteSpace(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"{id}.{timestamp}.{body}" in a pooled buffer, built once and signed with every secret.</summary>
    private readonly struct SignedContent
    {
        private readonly byte[] buffer;
        private readonly int length;

        private SignedContent(byte[] buffer, int length)
        {
            this.buffer = buffer;
            this.length = length;
        }

        public ReadOnlySpan<byte> Span => buffer.AsSpan(0, length);

        public static SignedContent Rent(string webhookId, long timestamp, ReadOnlySpan<byte> body)
        {
            // A long has at most 20 characters with its sign; two dots join the parts.
            var capacity = Encoding.UTF8.GetMaxByteCount(webhookId.Length) + 20 + 2 + body.Length;
            var buffer = ArrayPool<byte>.Shared.Rent(capacity);
            var written = Encoding.UTF8.GetBytes(webhookId, buffer);
            buffer[written++] = (byte)'.';
            Utf8Formatter.TryFormat(timestamp, buffer.AsSpan(written), out var timestampLength);
            written += timestampLength;
            buffer[written++] = (byte)'.';
            body.CopyTo(buffer.AsSpan(written));
            return new SignedContent(buffer, written + body.Length);
        }

        public void Return() => ArrayPool<byte>.Shared.Return(buffer);
    }
}
