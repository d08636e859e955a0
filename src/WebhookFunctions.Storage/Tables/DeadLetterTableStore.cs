using ETag = Azure.ETag;
using RequestFailedException = Azure.RequestFailedException;
using Azure.Data.Tables;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Storage.Retention;

namespace WebhookFunctions.Storage.Tables;

/// <summary>
/// The self-hosted dead-letter store: a table, not a queue, because parked queue messages slow Azurite down for every
/// queue in the account, and a table answers the listing, filter and replay queries directly.
/// While dead letters expire (<see cref="RetentionOptions.DeadLetters"/>), each one's expiry schedule row is written
/// before it; the sweeper removes it once it is past retention, unless it was dead-lettered again since.
/// A delivery dead letter also schedules its event: one that left its schedule row to its delivery log
/// (<see cref="SoleRecipientEvents"/>) may reach here without ever being logged, when its job hit the redelivery limit.
/// </summary>
internal sealed class DeadLetterTableStore(TableServiceClient tables, StorageNames names, ExpirySchedule? schedule, RetentionPolicy retention) : IDeadLetterStore
{
    private readonly TableClient table = tables.GetTableClient(names.DeadLettersTable);

    /// <summary>A store whose dead letters are kept until replayed or purged (no expiry schedule).</summary>
    public DeadLetterTableStore(TableServiceClient tables, StorageNames names)
        : this(tables, names, schedule: null, RetentionPolicy.Default())
    {
    }

    /// <summary>Parks a dead letter; a second one for the same event and subscription replaces the first.</summary>
    public async Task AddAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        var deadLetteredAt = retention.TimeProvider.GetUtcNow();
        var entity = DeadLetterEntityMapper.ToEntity(deadLetter, deadLetteredAt);
        var rows = new List<ExpiryEntry>();
        if (retention.DeadLettersExpire)
        {
            rows.Add(ExpirySchedule.Entry(ExpiryKind.DeadLetter, deadLetteredAt, DeadLetterEntityMapper.ScheduleKey(entity.PartitionKey, entity.RowKey)));
        }

        if (deadLetter.Stage == DeadLetterStage.Delivery)
        {
            // Dated now, after the event's acceptance: a row dated before it could come due while the event is young,
            // be completed, and leave the event unscheduled. A later one only sweeps it later.
            rows.Add(ExpirySchedule.Entry(ExpiryKind.Event, deadLetteredAt, deadLetter.EventId));
        }

        if (schedule is not null && rows.Count > 0)
        {
            await schedule.ScheduleAsync(rows, cancellationToken);
        }

        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public Task<Page<DeadLetter>> ListAsync(DeadLetterFilter filter, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        var odata = DeadLetterEntityMapper.ToQueryFilter(filter);
        return TablePaging.ReadPageAsync(table, odata, limit, Listing(odata), continuationToken, DeadLetterEntityMapper.ToDeadLetter, cancellationToken);
    }

    /// <summary>
    /// Reads the listing's page and deletes each entity under the ETag it was read with, so a dead letter replaced
    /// since (the same delivery dead-lettered again) stays. The token is the listing's: it names the next key to read,
    /// which deleting the entities before it does not move.
    /// </summary>
    public async Task<PurgeReport> PurgeAsync(DeadLetterFilter filter, int limit, string? continuationToken, bool dryRun, CancellationToken cancellationToken)
    {
        var odata = DeadLetterEntityMapper.ToQueryFilter(filter);
        var page = await TablePaging.ReadPageAsync(table, odata, limit, Listing(odata), continuationToken, entity => entity, cancellationToken);
        if (dryRun)
        {
            return new PurgeReport(page.Items.Count, 0, page.ContinuationToken);
        }

        var purged = 0;
        foreach (var entity in page.Items)
        {
            try
            {
                // Depending on the SDK version, an entity already gone (replayed meanwhile) is a 404 answer or a throw.
                var deleted = await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);
                purged += deleted.Status == 404 ? 0 : 1;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // 412: dead-lettered again since it was read; the newer record is not the one this purge matched.
            }
        }

        return new PurgeReport(page.Items.Count, purged, page.ContinuationToken);
    }

    public async Task<ReplayCount> ReplayAsync(DeadLetterFilter filter, bool dryRun, Func<DeadLetter, CancellationToken, Task<bool>> requeue, CancellationToken cancellationToken)
    {
        var matches = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(DeadLetterEntityMapper.ToQueryFilter(filter), maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            matches.Add(entity);
        }

        if (dryRun)
        {
            return new ReplayCount(matches.Count, 0);
        }

        var replayed = 0;
        foreach (var entity in matches)
        {
            if (!await requeue(DeadLetterEntityMapper.ToDeadLetter(entity), cancellationToken))
            {
                continue;
            }

            replayed++;
            try
            {
                // Under the ETag read: if the replayed job already failed again, its new dead letter stays.
                await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, CancellationToken.None);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // 404: past retention, the sweeper removed it meanwhile; it was requeued all the same.
            }
        }

        return new ReplayCount(matches.Count, replayed);
    }

    private static string Listing(string odata) => "deadletters:" + odata;
}
