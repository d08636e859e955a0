using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace WebhookFunctions.Http.Security;

/// <summary>
/// Checks the key a request presents (header x-functions-key or query code, as Azure Functions keys work) against
/// the configured keys. Keys are compared as SHA-256 hashes with a fixed-time comparison, and every configured key is
/// compared, so neither the content nor the length of a key leaks through timing.
/// </summary>
public sealed class ApiKeyValidator(IOptionsMonitor<ApiOptions> options)
{
    public const string HeaderName = "x-functions-key";

    public const string QueryName = "code";

    public bool IsAuthorized(HttpRequest request) => IsValid(PresentedKey(request));

    public bool IsValid(string? presentedKey)
    {
        if (string.IsNullOrEmpty(presentedKey))
        {
            return false;
        }

        var presented = Digest(presentedKey);
        var matched = false;
        foreach (var key in options.CurrentValue.Keys)
        {
            if (!string.IsNullOrWhiteSpace(key))
            {
                matched |= CryptographicOperations.FixedTimeEquals(Digest(key), presented);
            }
        }

        return matched;
    }

    /// <summary>The key a request presents: the header first, then the query parameter.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[HeaderName];
        if (header.Count == 1 && !string.IsNullOrEmpty(header[0]))
        {
            return header[0];
        }

        var query = request.Query[QueryName];
        return header.Count == 0 && query.Count == 1 ? query[0] : null;
    }

    /// <summary>What is compared: the SHA-256 of the key, 32 bytes whatever the key's length.</summary>
    internal static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
