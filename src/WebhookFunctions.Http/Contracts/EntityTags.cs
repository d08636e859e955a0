using System.Buffers.Text;
using System.Text;

namespace WebhookFunctions.Http.Contracts;

/// <summary>
/// The HTTP face of a store ETag. Store ETags are opaque and may themselves hold quotes or a W/ prefix (Azure Tables
/// sends <c>W/"datetime'…'"</c>), so they travel as base64url tokens: quoted in the ETag header, bare in the body, and
/// accepted back in If-Match with or without quotes or W/.
/// </summary>
internal static class EntityTags
{
    public static string? ToToken(string? storeETag) =>
        storeETag is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(storeETag));

    public static string ToHeader(string token) => $"\"{token}\"";

    /// <summary>The store ETag an If-Match value names; a value this API never issued comes back as is, so it cannot match.</summary>
    public static string FromIfMatch(string ifMatch)
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
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            return ifMatch;
        }
    }
}
