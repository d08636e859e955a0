using System.Globalization;
using Azure.Data.Tables;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.Storage.Retention;

/// <summary>
/// The expiry schedule: one row per record that will expire, PK = "{kind}|{yyyyMMdd}" (the UTC day the record was
/// made), RK = the record's key. A row is written before the record it names, so every stored record has one (a crash
/// in between leaves a row naming nothing, which the sweeper passes over). Rows of one day and kind share a partition,
/// so concurrent writers share transactions (<see cref="PartitionBatchWriter"/>), and the due rows are one range
/// query away, however many days were empty: no per-day probing, no checkpoint to keep.
/// </summary>
internal sealed class ExpirySchedule(TableServiceClient tables, StorageNames names) : IDisposable
{
    private const string DayFormat = "yyyyMMdd";
    private readonly TableClient table = tables.GetTableClient(names.ExpiryTable);
    private readonly PartitionBatchWriter writer = new(tables.GetTableClient(names.ExpiryTable));
    private readonly PartitionBatchWriter withDeliveryLog = new(tables.GetTableClient(names.ExpiryTable), DeliveryLogTableStore.WriteLinger);

    public Task ScheduleAsync(ExpiryKind kind, DateTimeOffset madeAt, string key, CancellationToken cancellationToken) =>
        ScheduleAsync([Entry(kind, madeAt, key)], cancellationToken);

    /// <summary>Writes the rows in transactions per day (upserts: a row written twice is one row).</summary>
    public Task ScheduleAsync(IEnumerable<ExpiryEntry> entries, CancellationToken cancellationToken) =>
        writer.UpsertAsync(entries.Select(ToEntity), cancellationToken);

    /// <summary>As <see cref="ScheduleAsync(IEnumerable{ExpiryEntry}, CancellationToken)"/>, lingering as the delivery log's writes do.</summary>
    public Task ScheduleWithDeliveryLogAsync(IEnumerable<ExpiryEntry> entries, CancellationToken cancellationToken) =>
        withDeliveryLog.UpsertAsync(entries.Select(ToEntity), cancellationToken);

    public static ExpiryEntry Entry(ExpiryKind kind, DateTimeOffset madeAt, string key) => new(kind, DateOnly.FromDateTime(madeAt.UtcDateTime), key);

    /// <summary>The oldest rows of <paramref name="kind"/> from days that ended by <paramref name="cutoff"/>.</summary>
    public async Task<IReadOnlyList<ExpiryEntry>> ListDueAsync(ExpiryKind kind, DateTimeOffset cutoff, int limit, CancellationToken cancellationToken)
    {
        var firstDayNotDue = DateOnly.FromDateTime(cutoff.UtcDateTime);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Prefix(kind)} and PartitionKey lt {PartitionKey(kind, firstDayNotDue)}");
        var entries = new List<ExpiryEntry>(limit);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, Math.Min(limit, 1000), ["PartitionKey", "RowKey"], cancellationToken))
        {
            entries.Add(new ExpiryEntry(kind, ParseDay(entity.PartitionKey), entity.RowKey));
            if (entries.Count == limit)
            {
                break;
            }
        }

        return entries;
    }

    public Task CompleteAsync(IReadOnlyList<ExpiryEntry> entries, CancellationToken cancellationToken) =>
        PartitionDeleter.DeleteAsync(table, entries.Select(e => (PartitionKey(e.Kind, e.Day), e.Key)), cancellationToken);

    public void Dispose()
    {
        writer.Dispose();
        withDeliveryLog.Dispose();
    }

    private static TableEntity ToEntity(ExpiryEntry entry) => new(PartitionKey(entry.Kind, entry.Day), entry.Key);

    private static string Prefix(ExpiryKind kind) => kind switch
    {
        ExpiryKind.Event => "event|",
        ExpiryKind.IdempotencyKey => "idempotency|",
        ExpiryKind.DeadLetter => "deadletter|",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string PartitionKey(ExpiryKind kind, DateOnly day) => Prefix(kind) + day.ToString(DayFormat, CultureInfo.InvariantCulture);

    private static DateOnly ParseDay(string partitionKey) =>
        DateOnly.ParseExact(partitionKey[(partitionKey.IndexOf('|', StringComparison.Ordinal) + 1)..], DayFormat, CultureInfo.InvariantCulture);
}
