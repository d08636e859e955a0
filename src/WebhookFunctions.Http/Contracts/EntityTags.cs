using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;

namespace WebhookFunctions.Http.Contracts;

/// <summary>
/// The HTTP face of a store ETag. Store ETags are opaque and may themselves hold quotes or a W/ prefix (Azure Tables
/// sends <c>W/"datetime'…'"</c>), so they travel as base64url tokens: quoted in the ETag header, bare in the body, and
/// accepted back in If-Match with or without quotes or W/.
/// </summary>
internal static partial class EntityTags
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string? ToToken(string? storeETag) =>
        storeETag is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(storeETag));

    public static string ToHeader(string token) => $"\"{token}\"";

    /// <summary>
    /// The store ETag an If-Match value names, or null when it names none this API can have issued: not base64url, or
    /// not decoding to an RFC 9110 entity-tag (which every store ETag is, as stores send them in HTTP headers). Such a
    /// value can never match, and handing it to the store would make the store refuse the request rather than the
    /// precondition.
    /// </summary>
    public static string? FromIfMatch(string ifMatch)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        var token = ifMatch.Trim();
        if (token.StartsWith("W/", StringComparison.Ordinal))
        {
            token = token[2..];
        }

        if (token.Length >= 2 && token[0] == '"' && token[^1] == '"')
        {
            token = token[1..^1];
        }

        try
        {
            var storeETag = StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
            return EntityTag().IsMatch(storeETag) ? storeETag : null;
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    // RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E (obs-text left out).
    [GeneratedRegex("""^(W/)?"[\x21\x23-\x7E]*"$""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex EntityTag();
}
