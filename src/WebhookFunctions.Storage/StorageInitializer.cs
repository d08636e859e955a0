using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Storage.Tables.SubscriptionIndex;

namespace WebhookFunctions.Storage;

/// <summary>
/// Creates every table, container and (when the queue transport is registered) queue once, at start-up, before the
/// workers start, and brings the subscriptions table to the current layout; the stores never create anything on their
/// own calls.
/// </summary>
internal sealed class StorageInitializer(
    TableServiceClient tables,
    BlobServiceClient blobs,
    StorageNames names,
    ILogger<StorageInitializer> logger,
    SubscriptionIndexMaintenance subscriptionIndex,
    QueueTransportMarker? transport = null,
    QueueServiceClient? queues = null) : IHostedService
{
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var tableNames = transport is null ? names.StoreTables : [.. names.StoreTables, .. names.TransportTables];
        var work = tableNames.Select(name => (Task)tables.CreateTableIfNotExistsAsync(name, cancellationToken)).ToList();
        work.Add(blobs.GetBlobContainerClient(names.EventPayloadsContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        if (transport is not null && queues is not null)
        {
            work.AddRange(names.TransportQueues.Select(name => (Task)queues.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        }

        await Task.WhenAll(work);
        await subscriptionIndex.PrepareAsync(cancellationToken);
        logger.LogInformation("Storage ready: {TableCount} tables, the payload container{Queues}.", tableNames.Count, transport is null ? "" : " and the queues");
    }

    public Task StartAsync(CancellationToken cancellationToken) => EnsureCreatedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Registered by the queue transport, so the initializer creates its tables and queues too.</summary>
internal sealed class QueueTransportMarker;
