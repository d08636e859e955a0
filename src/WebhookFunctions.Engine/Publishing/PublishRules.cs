using System.Buffers;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Tenants;

namespace WebhookFunctions.Engine.Publishing;

/// <summary>What a published event may contain. Returns field errors by JSON name; empty when valid.</summary>
internal static class PublishRules
{
    public const int MaxIdLength = 64;
    public const int MaxIdempotencyKeyLength = 255;
    public const int MaxSubjectLength = 256;

    // RFC 3986 unreserved characters: an id is used as is in URLs such as /api/events/{id}.
    /// <summary>The service's own event types (webhook.test, operational events); a publisher cannot use them.</summary>
    public const string ReservedTypePrefix = "webhook.";

    private static readonly SearchValues<char> IdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-");

    public static IReadOnlyDictionary<string, string[]> Validate(PublishCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);

        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(command.Type))
        {
            errors.Add("type", "The type is required, e.g. \"order.created\".");
        }
        else if (!EventTypeName.IsValid(command.Type))
        {
            errors.Add("type", $"The type must be 1 to {EventTypeName.MaxLength} characters of letters, digits, '.', '_' and '-', in dot-separated segments (e.g. \"order.created\").");
        }
        else if (command.Type.StartsWith(ReservedTypePrefix, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("type", $"Types starting \"{ReservedTypePrefix}\" are reserved for the service's own events (webhook.test and the operational events); choose another type.");
        }

        if (command.Id is not null && (command.Id.Length is 0 or > MaxIdLength || command.Id.AsSpan().ContainsAnyExcept(IdChars)))
        {
            errors.Add("id", $"The id must be 1 to {MaxIdLength} characters of letters, digits, '.', '_', '~' and '-'.");
        }

        if (command.Subject is { Length: > MaxSubjectLength })
        {
            errors.Add("subject", $"The subject must be at most {MaxSubjectLength} characters long.");
        }

        if (command.IdempotencyKey is not null && !IsPrintableAscii(command.IdempotencyKey, MaxIdempotencyKeyLength))
        {
            errors.Add("idempotencyKey", $"The Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} printable ASCII characters.");
        }

        TenantIds.Check(errors, command.TenantId);
        return errors.ToDictionary();
    }

    private static bool IsPrintableAscii(string value, int maxLength)
    {
        if (value.Length is 0 || value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
