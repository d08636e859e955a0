using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace WebhookFunctions.Storage;

/// <summary>Service clients from <see cref="StorageOptions"/>: a service URI with managed identity, else the connection string.</summary>
internal static class StorageClientFactory
{
    public static TableServiceClient CreateTableServiceClient(StorageOptions options) =>
        options.TableServiceUri is { } uri
            ? new TableServiceClient(uri, CreateCredential(options))
            : new TableServiceClient(RequireConnectionString(options));

    public static BlobServiceClient CreateBlobServiceClient(StorageOptions options) =>
        options.BlobServiceUri is { } uri
            ? new BlobServiceClient(uri, CreateCredential(options))
            : new BlobServiceClient(RequireConnectionString(options));

    /// <summary>Queue bodies are base64-encoded on the wire (MessageCodec's UTF-8 JSON, carried as binary).</summary>
    public static QueueServiceClient CreateQueueServiceClient(StorageOptions options)
    {
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        return options.QueueServiceUri is { } uri
            ? new QueueServiceClient(uri, CreateCredential(options), clientOptions)
            : new QueueServiceClient(RequireConnectionString(options), clientOptions);
    }

    private static DefaultAzureCredential CreateCredential(StorageOptions options) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });

    private static string RequireConnectionString(StorageOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? throw new InvalidOperationException("Storage: set ConnectionString or the service URIs.")
            : options.ConnectionString;
}
