using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Wraps the SDK's table continuation token with the listing it belongs to, base64url-encoded, so callers see an
/// opaque token and a token from another listing, a truncated one or a hand-edited one is refused instead of silently
/// reading from elsewhere. The check is a hash, not a signature: it catches damage and mix-ups, not a determined forger
/// (who could only page through the same listing anyway).
/// </summary>
internal static class ContinuationTokenCodec
{
    private const string Version = "t1";
    private const char Separator = '\n';

    public static string? Wrap(string listing, string? sdkToken) =>
        sdkToken is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join(Separator, Version, listing, sdkToken, Check(listing, sdkToken))));

    /// <exception cref="InvalidContinuationTokenException">The token was not produced by <see cref="Wrap"/> for this listing.</exception>
    public static string? Unwrap(string listing, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw Invalid();
        }

        var parts = decoded.Split(Separator);
        if (parts.Length != 4 || parts[0] != Version || parts[1] != listing || parts[2].Length == 0 || parts[3] != Check(listing, parts[2]))
        {
            throw Invalid();
        }

        return parts[2];
    }

    private static string Check(string listing, string sdkToken) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing + Separator + sdkToken)).AsSpan(0, 8));

    public static InvalidContinuationTokenException Invalid() =>
        new("The continuation token is not valid for this listing; start again without one.");
}
