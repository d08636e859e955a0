using Azure.Core;
using Azure.Identity;

namespace WebhookFunctions.Functions.Telemetry;

/// <summary>
/// The credential APPLICATIONINSIGHTS_AUTHENTICATION_STRING asks for ("Authorization=AAD;ClientId=&lt;guid&gt;"), the
/// setting the Functions host and the worker's Application Insights SDK read. The Azure Monitor exporter does not read
/// it, and Application Insights here refuses telemetry without Entra ID (local auth is off), so the exporter is given
/// the same identity.
/// </summary>
internal static class ApplicationInsightsCredential
{
    public const string SettingName = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>A managed identity credential, or null when the string asks for no Entra ID authentication.</summary>
    public static TokenCredential? FromAuthenticationString(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var pairs = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);

        if (!pairs.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return pairs.TryGetValue("ClientId", out var clientId) && !string.IsNullOrEmpty(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
