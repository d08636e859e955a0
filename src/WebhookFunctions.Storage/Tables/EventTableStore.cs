using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Storage.Retention;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// Accepted events, one per partition. Data up to <see cref="InlineDataLimit"/> is a binary property (the service's
/// limit is 64 KiB); larger data goes to a blob that the entity names (claim check). Each event's expiry schedule row
/// is written before the event (an event with a sole recipient leaves it to its delivery log:
/// <see cref="SoleRecipientEvents"/>). An id whose event has expired but is not yet swept may be used again: the new event
/// replaces the old under its ETag.
/// </summary>
internal sealed class EventTableStore(TableServiceClient tables, BlobServiceClient blobs, StorageNames names, ExpirySchedule schedule, RetentionPolicy retention) : IEventStore
{
    public const int InlineDataLimit = 60 * 1024;
    public const string RowKey = "";
    private readonly TableClient table = tables.GetTableClient(names.EventsTable);
    private readonly BlobContainerClient payloads = blobs.GetBlobContainerClient(names.EventPayloadsContainer);
    private readonly TableClient subscriptionDeliveries = tables.GetTableClient(names.SubscriptionDeliveriesTable);

    /// <summary>When the stored event was accepted; events stored before acceptance was recorded count from their last change.</summary>
    public static DateTimeOffset AcceptedAt(TableEntity entity) =>
        entity.GetDateTimeOffset("AcceptedAt") ?? entity.Timestamp ?? DateTimeOffset.MinValue;

    public async Task<bool> TryAddAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var acceptedAt = webhookEvent.AcceptedAt ?? retention.TimeProvider.GetUtcNow();
        if (!SoleRecipientEvents.IsScheduledByItsLog(webhookEvent))
        {
            await schedule.ScheduleAsync(ExpiryKind.Event, acceptedAt, webhookEvent.Id, cancellationToken);
        }

        var entity = new TableEntity(webhookEvent.Id, RowKey)
        {
            ["AcceptedAt"] = acceptedAt,
            ["Type"] = webhookEvent.Type,
            ["EventTimestamp"] = webhookEvent.Timestamp, // "Timestamp" is the service's own last-modified property.
            ["Subject"] = webhookEvent.Subject,
            ["Source"] = webhookEvent.Source,
            ["TraceParent"] = webhookEvent.TraceParent,
            ["TenantId"] = webhookEvent.TenantId,
            ["SoleRecipient"] = webhookEvent.SoleRecipient,
        };
        if (webhookEvent.NoticeQueued)
        {
            entity["NoticeQueued"] = true; // Publish's direct path queues the job first (DirectDeliveryRoute).
        }

        BlobClient? blob = null;
        if (webhookEvent.Data.Length <= InlineDataLimit)
        {
            entity["Data"] = webhookEvent.Data.ToArray();
        }
        else
        {
            // A fresh name per attempt: a duplicate publish must never overwrite the payload of the event already stored.
            blob = payloads.GetBlobClient($"{webhookEvent.Id}/{Guid.NewGuid():N}");
            await blob.UploadAsync(new BinaryData(webhookEvent.Data), overwrite: false, cancellationToken);
            entity["DataBlob"] = blob.Name;
        }

        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }

        if (await TryReplaceExpiredAsync(entity, cancellationToken))
        {
            return true;
        }

        if (blob is not null)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }

        return false;
    }

    /// <summary>Replaces the stored event of this id if it is past retention (readers no longer see it).</summary>
    private async Task<bool> TryReplaceExpiredAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, RowKey, cancellationToken: cancellationToken);
        if (!existing.HasValue || !retention.IsEventExpired(AcceptedAt(existing.Value!)))
        {
            return false;
        }

        try
        {
            await table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false; // Swept or replaced meanwhile; the caller reads what is there now.
        }

        if (existing.Value.GetString("DataBlob") is { } oldBlob)
        {
            await payloads.GetBlobClient(oldBlob).DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }

        if (SoleRecipientEvents.KeyOf(existing.Value) is { } loggedBySubscriptionAlone)
        {
            // Its key derives from the row just replaced, so the sweep could no longer find it; the rest of the old
            // event's log derives from its by-event rows, which stay for the sweep.
            await PartitionDeleter.DeleteAsync(subscriptionDeliveries, [loggedBySubscriptionAlone], CancellationToken.None);
        }

        return true;
    }

    public async Task<WebhookEvent?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(eventId, RowKey, cancellationToken: cancellationToken);
        if (!response.HasValue)
        {
            return null;
        }

        var entity = response.Value!;
        var data = entity.GetString("DataBlob") is { } blobName
            ? (await payloads.GetBlobClient(blobName).DownloadContentAsync(cancellationToken)).Value.Content.ToMemory()
            : entity.GetBinary("Data") ?? [];

        return new WebhookEvent(
            entity.PartitionKey,
            entity.GetString("Type"),
            entity.GetDateTimeOffset("EventTimestamp") ?? throw new InvalidDataException($"Stored event '{eventId}' has no EventTimestamp."),
            entity.GetString("Subject"),
            entity.GetString("Source"),
            data,
            entity.GetString("TraceParent"),
            entity.GetBoolean("NoticeQueued") ?? false,
            entity.GetString("TenantId"),
            AcceptedAt(entity),
            entity.GetString("SoleRecipient"));
    }

    public async Task MarkNoticeQueuedAsync(string eventId, CancellationToken cancellationToken) =>
        await table.UpdateEntityAsync(new TableEntity(eventId, RowKey) { ["NoticeQueued"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
}
