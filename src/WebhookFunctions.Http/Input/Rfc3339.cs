using System.Globalization;
using System.Text.RegularExpressions;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Http.Input;

/// <summary>RFC 3339 date-times with an explicit offset (Z or ±hh:mm), e.g. 2025-01-31T12:00:00Z.</summary>
internal static partial class Rfc3339
{
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null
            && Shape().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>Parses an optional RFC 3339 time; a malformed one is recorded in <paramref name="errors"/> against <paramref name="field"/>.</summary>
    public static DateTimeOffset? Parse(FieldErrors errors, string field, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (TryParse(text, out var value))
        {
            return value;
        }

        errors.Add(field, $"'{text}' is not an RFC 3339 date-time with an offset, e.g. 2025-01-31T12:00:00Z.");
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Shape();
}
