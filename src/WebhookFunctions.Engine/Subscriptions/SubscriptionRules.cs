using System.Buffers;
using System.Text.Json;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Subscriptions.Filters;
using WebhookFunctions.Engine.Tenants;

namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>What a subscription may contain. Each method returns field errors by JSON name; empty when valid.</summary>
internal static class SubscriptionRules
{
    public const int MaxUrlLength = 2048;
    public const int MaxEventTypes = 100;
    public const int MaxDescriptionLength = 512;
    public const int MaxHeaders = 10;
    public const int MaxHeaderValueLength = 1024;

    // The headers each delivery sets itself, or that would change how the request is framed.
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "content-length", "host", "user-agent", "traceparent", "transfer-encoding", "connection",
    };

    private const string ReservedHeaderPrefix = "webhook-";

    // Printable ASCII, space and tab: RFC 9110 field-value characters without obs-text, which HttpClient refuses to send.
    private static readonly SearchValues<char> HeaderValueChars =
        SearchValues.Create("\t !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    // RFC 9110 §5.6.2 token characters.
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static IReadOnlyDictionary<string, string[]> Validate(SubscriptionInput input, bool allowHttp)
    {
        ArgumentNullException.ThrowIfNull(input);

        var errors = new FieldErrors();
        CheckUrl(input.Url, allowHttp, errors);
        CheckEventTypes(input.EventTypes, errors);
        CheckDescription(input.Description, errors);
        CheckHeaders(input.Headers, errors);
        CheckFilter(input.Filter, errors);
        TenantIds.Check(errors, input.TenantId);
        if (input.Secret is not null && !WebhookSigner.IsValidSecret(input.Secret))
        {
            errors.Add("secret", "The secret must be \"whsec_\" followed by the base64 of 24 to 64 random bytes; leave it out to have one generated.");
        }

        return errors.ToDictionary();
    }

    public static IReadOnlyDictionary<string, string[]> Validate(SubscriptionPatch patch, bool allowHttp)
    {
        ArgumentNullException.ThrowIfNull(patch);

        var errors = new FieldErrors();
        if (patch.Url is not null)
        {
            CheckUrl(patch.Url, allowHttp, errors);
        }

        if (patch.EventTypes is not null)
        {
            CheckEventTypes(patch.EventTypes, errors);
        }

        CheckDescription(patch.Description, errors);
        CheckHeaders(patch.Headers, errors);
        CheckFilter(patch.Filter, errors);
        TenantIds.Check(errors, patch.TenantId);
        if (patch.Status is not null and not ("enabled" or "disabled"))
        {
            errors.Add("status", "The status must be \"enabled\" or \"disabled\".");
        }

        return errors.ToDictionary();
    }

    /// <summary>A patch may repeat the tenant id, never change it: a subscription's tenant is fixed at create.</summary>
    public static IReadOnlyDictionary<string, string[]> CheckUnchangedTenant(SubscriptionPatch patch, Subscription current)
    {
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(current);
        var errors = new FieldErrors();
        if (patch.TenantId is not null && !string.Equals(patch.TenantId, current.TenantId, StringComparison.Ordinal))
        {
            errors.Add(TenantIds.Field, current.TenantId is null
                ? "The tenantId cannot be changed after create: this subscription has no tenant. Create a new subscription for the tenant instead."
                : $"The tenantId cannot be changed after create: this subscription belongs to \"{current.TenantId}\". Create a new subscription for the other tenant instead.");
        }

        return errors.ToDictionary();
    }

    private static void CheckUrl(string? url, bool allowHttp, FieldErrors errors)
    {
        const string Field = "url";
        var schemes = allowHttp ? "an absolute https:// or http:// URL" : "an absolute https:// URL";
        if (string.IsNullOrWhiteSpace(url))
        {
            errors.Add(Field, $"The url is required: {schemes} to POST events to.");
            return;
        }

        if (url.Length > MaxUrlLength)
        {
            errors.Add(Field, $"The url must be at most {MaxUrlLength} characters long.");
            return;
        }

        // Uri.TryCreate drops tabs and line breaks silently, so "https://a/\r\nX: y" would parse; the stored url must be what was sent.
        if (url.AsSpan().IndexOfAnyInRange('\0', ' ') >= 0 || url.Contains('\u007F', StringComparison.Ordinal))
        {
            errors.Add(Field, "The url must not contain spaces, line breaks or other control characters; percent-encode them.");
            return;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc || string.IsNullOrEmpty(uri.Host))
        {
            errors.Add(Field, $"The url must be {schemes}.");
            return;
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(allowHttp && uri.Scheme == Uri.UriSchemeHttp))
        {
            errors.Add(Field, allowHttp
                ? "The url must use https:// or http://."
                : "The url must use https:// (plain http:// is allowed only for local development).");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add(Field, "The url must not contain credentials (user:password@); use custom headers to authenticate instead.");
        }
    }

    private static void CheckEventTypes(IReadOnlyList<string>? eventTypes, FieldErrors errors)
    {
        const string Field = "eventTypes";
        if (eventTypes is null || eventTypes.Count == 0)
        {
            errors.Add(Field, "List at least one event type: an exact type such as \"invoice.paid\", a prefix such as \"order.*\", or \"*\" for all.");
            return;
        }

        if (eventTypes.Count > MaxEventTypes)
        {
            // Not one message per entry as well: a list of 50,000 would answer with megabytes of errors.
            errors.Add(Field, $"At most {MaxEventTypes} event types can be listed; use a prefix such as \"order.*\" to cover many.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in eventTypes)
        {
            if (pattern is null || !EventTypeFilter.IsValidPattern(pattern))
            {
                errors.Add(Field, $"\"{pattern}\" is not a valid event type: use dot-separated segments of letters, digits, '_' and '-' (up to 128 characters), optionally ending in \".*\", or \"*\" alone.");
            }
            else if (!seen.Add(pattern))
            {
                errors.Add(Field, $"\"{pattern}\" is listed more than once.");
            }
        }
    }

    /// <summary>The filter to store: null when none is given or it is JSON null (which removes one on PATCH).</summary>
    public static SubscriptionFilter? CompileFilter(JsonElement? definition) =>
        definition is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given
            ? SubscriptionFilter.TryCompile(given, new FieldErrors()) ?? throw new ArgumentException("The filter was not validated.", nameof(definition))
            : null;

    private static void CheckFilter(JsonElement? definition, FieldErrors errors)
    {
        if (definition is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given)
        {
            SubscriptionFilter.TryCompile(given, errors);
        }
    }

    private static void CheckDescription(string? description, FieldErrors errors)
    {
        if (description is { Length: > MaxDescriptionLength })
        {
            errors.Add("description", $"The description must be at most {MaxDescriptionLength} characters long.");
        }
    }

    private static void CheckHeaders(IReadOnlyDictionary<string, string>? headers, FieldErrors errors)
    {
        const string Field = "headers";
        if (headers is null)
        {
            return;
        }

        if (headers.Count > MaxHeaders)
        {
            errors.Add(Field, $"At most {MaxHeaders} custom headers are allowed.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            if (string.IsNullOrEmpty(name) || name.AsSpan().ContainsAnyExcept(TokenChars))
            {
                errors.Add(Field, $"\"{name}\" is not a valid header name: use letters, digits and !#$%&'*+-.^_`|~ only.");
                continue;
            }

            if (ReservedHeaders.Contains(name) || name.StartsWith(ReservedHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(Field, $"The header \"{name}\" is set by the delivery itself and cannot be overridden.");
            }
            else if (!seen.Add(name))
            {
                errors.Add(Field, $"The header \"{name}\" is given more than once (header names ignore case).");
            }

            if (value is null)
            {
                errors.Add(Field, $"The header \"{name}\" needs a value.");
            }
            else if (value.Length > MaxHeaderValueLength)
            {
                errors.Add(Field, $"The value of the header \"{name}\" must be at most {MaxHeaderValueLength} characters long.");
            }
            else if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                errors.Add(Field, $"The value of the header \"{name}\" must not contain line breaks or NUL characters.");
            }
            else if (value.AsSpan().ContainsAnyExcept(HeaderValueChars))
            {
                // The sender puts values on the wire as ASCII; anything else could never be delivered.
                errors.Add(Field, $"The value of the header \"{name}\" must be printable ASCII (spaces and tabs allowed); encode anything else.");
            }
        }
    }
}
