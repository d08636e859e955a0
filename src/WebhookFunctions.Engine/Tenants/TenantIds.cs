using System.Buffers;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Engine.Tenants;

/// <summary>
/// The one rule for a tenant id, wherever one comes in (a subscription, a published event, a listing or replay
/// filter): 1 to 64 characters of letters, digits, '.', '_' and '-'. Ids are compared ordinally (case matters).
/// </summary>
public static class TenantIds
{
    public const string Field = "tenantId";
    public const int MaxLength = 64;

    private static readonly SearchValues<char> Chars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    public static bool IsValid(string? tenantId) =>
        tenantId is { Length: > 0 and <= MaxLength } && !tenantId.AsSpan().ContainsAnyExcept(Chars);

    /// <summary>Adds the field error when <paramref name="tenantId"/> is given and invalid; absent is fine.</summary>
    public static void Check(FieldErrors errors, string? tenantId)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (tenantId is not null && !IsValid(tenantId))
        {
            errors.Add(Field, $"The tenantId must be 1 to {MaxLength} characters of letters, digits, '.', '_' and '-'.");
        }
    }

    /// <summary>The validation error for a filter's tenant id, or null when it is absent or valid.</summary>
    public static OperationError? CheckFilter(string? tenantId)
    {
        var errors = new FieldErrors();
        Check(errors, tenantId);
        return errors.Any ? errors.ToError() : null;
    }
}
