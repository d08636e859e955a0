namespace WebhookFunctions.Storage;

/// <summary>Where state and the self-hosted queues live. Bound from the "Storage" configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>A connection string (Azurite: UseDevelopmentStorage=true). Ignored when the service URIs are set.</summary>
    public string? ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Table endpoint for managed identity (DefaultAzureCredential; ManagedIdentityClientId when set).</summary>
    public Uri? TableServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Prefixes every table, queue and container name (letters and digits), so tests and tenants can share an account.</summary>
    public string NamePrefix { get; set; } = "";
}
