using System.ComponentModel.DataAnnotations;

namespace WebhookFunctions.Storage;

/// <summary>Where state and the self-hosted queues live. Bound from the "Storage" configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>A connection string (Azurite: UseDevelopmentStorage=true). Ignored for a service whose URI is set.</summary>
    public string? ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Table endpoint for managed identity (DefaultAzureCredential; ManagedIdentityClientId when set).</summary>
    public Uri? TableServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Prefixes every table, queue and container name (lower-case letters and digits, starting with a letter), so tests and tenants can share an account.</summary>
    [RegularExpression("^([a-z][a-z0-9]{0,19})?$", ErrorMessage = "Storage:NamePrefix must be empty or 1-20 lower-case letters and digits starting with a letter.")]
    public string NamePrefix { get; set; } = "";
}
