using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace WebhookFunctions.Storage;

/// <summary>Service clients from <see cref="StorageOptions"/>: a service URI with managed identity, else the connection string.</summary>
internal static class StorageClientFactory
{
    public static TableServiceClient CreateTableServiceClient(StorageOptions options, IEnumerable<StoragePipelinePolicy>? policies = null)
    {
        var clientOptions = WithPolicies(new TableClientOptions(), policies);
        return options.TableServiceUri is { } uri
            ? new TableServiceClient(uri, CreateCredential(options), clientOptions)
            : new TableServiceClient(RequireConnectionString(options), clientOptions);
    }

    public static BlobServiceClient CreateBlobServiceClient(StorageOptions options, IEnumerable<StoragePipelinePolicy>? policies = null)
    {
        var clientOptions = WithPolicies(new BlobClientOptions(), policies);
        return options.BlobServiceUri is { } uri
            ? new BlobServiceClient(uri, CreateCredential(options), clientOptions)
            : new BlobServiceClient(RequireConnectionString(options), clientOptions);
    }

    /// <summary>Queue bodies are base64-encoded on the wire (MessageCodec's UTF-8 JSON, carried as binary).</summary>
    public static QueueServiceClient CreateQueueServiceClient(StorageOptions options, IEnumerable<StoragePipelinePolicy>? policies = null)
    {
        var clientOptions = WithPolicies(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }, policies);
        return options.QueueServiceUri is { } uri
            ? new QueueServiceClient(uri, CreateCredential(options), clientOptions)
            : new QueueServiceClient(RequireConnectionString(options), clientOptions);
    }

    private static T WithPolicies<T>(T clientOptions, IEnumerable<StoragePipelinePolicy>? policies)
        where T : ClientOptions
    {
        foreach (var policy in policies ?? [])
        {
            policy.AddTo(clientOptions);
        }

        return clientOptions;
    }

    private static DefaultAzureCredential CreateCredential(StorageOptions options) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });

    private static string RequireConnectionString(StorageOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? throw new InvalidOperationException("Storage: set ConnectionString or the service URIs.")
            : options.ConnectionString;
}
