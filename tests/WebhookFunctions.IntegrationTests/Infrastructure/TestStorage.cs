using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Storage;
using WebhookFunctions.Storage.Retention;
using WebhookFunctions.Storage.Tables.SubscriptionIndex;

namespace WebhookFunctions.IntegrationTests.Infrastructure;

/// <summary>Clients and every table, container and queue under a fresh name prefix, so tests sharing one Azurite never meet.</summary>
internal sealed class TestStorage
{
    private TestStorage(string connectionString, string prefix)
    {
        Prefix = prefix;
        var options = new StorageOptions { ConnectionString = connectionString, NamePrefix = prefix };
        Names = new StorageNames(prefix);
        Tables = StorageClientFactory.CreateTableServiceClient(options);
        Blobs = StorageClientFactory.CreateBlobServiceClient(options);
        Queues = StorageClientFactory.CreateQueueServiceClient(options);
        Schedule = new ExpirySchedule(Tables, Names);
    }

    /// <summary>The expiry schedule the stores write to.</summary>
    public ExpirySchedule Schedule { get; }

    public string Prefix { get; }

    public StorageNames Names { get; }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    public static async Task<TestStorage> CreateAsync(AzuriteFixture azurite)
    {
        var storage = new TestStorage(azurite.ConnectionString, "t" + Guid.NewGuid().ToString("N")[..12]);
        var initializer = new StorageInitializer(
            storage.Tables,
            storage.Blobs,
            storage.Names,
            NullLogger<StorageInitializer>.Instance,
            new SubscriptionIndexMaintenance(storage.Tables, storage.Names, TimeProvider.System, NullLogger<SubscriptionIndexMaintenance>.Instance),
            new QueueTransportMarker(),
            storage.Queues);
        await initializer.EnsureCreatedAsync(CancellationToken.None);
        return storage;
    }
}
