using Azure;
using Azure.Data.Tables;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Storage;

/// <summary>
/// Group commit under concurrent callers, on Azurite: every caller returns once its own entities are stored, callers
/// that arrive while a partition's transaction is in flight share the next one, and a row key written by several
/// callers ends with the value of the last one to call.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PartitionBatchWriterConcurrencyTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int Callers = 60;
    private const int EntitiesPerCaller = 5;
    private static readonly string[] Partitions = ["p0", "p1"];
    private CountingTableClient table = null!;

    public async Task InitializeAsync()
    {
        table = new CountingTableClient(azurite.ConnectionString, $"batch{Guid.NewGuid():N}"[..20]);
        await table.CreateIfNotExistsAsync();
    }

    public Task DisposeAsync() => table.DeleteAsync();

    [Fact]
    public async Task Concurrent_callers_all_return_with_every_entity_stored_in_far_fewer_transactions_than_callers()
    {
        using var writer = new PartitionBatchWriter(table);

        var writes = Enumerable.Range(0, Callers)
            .Select(caller => writer.UpsertAsync(EntitiesOf(caller), CancellationToken.None))
            .ToList();
        await Task.WhenAll(writes);

        var stored = await table.QueryAsync<TableEntity>(maxPerPage: 1000).ToListAsync();
        Assert.Equal(Callers * EntitiesPerCaller, stored.Count);
        Assert.All(stored, entity => Assert.Equal(entity.RowKey, entity.GetString("Value")));
        // The first caller of each partition goes alone; those that arrive while it is in flight go 100 row keys at a
        // time (about 3 transactions a partition). Without coalescing it would be one per caller and partition.
        Assert.InRange(table.Transactions, Partitions.Length, Callers / 4);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(200, 1)]
    public async Task With_a_linger_writes_to_an_idle_partition_a_moment_apart_share_one_transaction(int lingerMilliseconds, int expectedTransactions)
    {
        using var writer = new PartitionBatchWriter(table, TimeSpan.FromMilliseconds(lingerMilliseconds));
        var writes = new List<Task>();

        for (var caller = 0; caller < 5; caller++)
        {
            writes.Add(writer.UpsertAsync([new TableEntity("p0", $"r{caller}") { ["Value"] = "v" }], CancellationToken.None));
            if (lingerMilliseconds == 0)
            {
                await writes[^1]; // Without a linger, one after the other: nothing is in flight to join.
            }
            else
            {
                await Task.Delay(10);
            }
        }

        await Task.WhenAll(writes);
        Assert.Equal(5, (await table.QueryAsync<TableEntity>().ToListAsync()).Count);
        Assert.Equal(expectedTransactions, table.Transactions);
    }

    [Fact]
    public async Task A_row_key_written_by_concurrent_callers_holds_the_last_callers_value()
    {
        using var writer = new PartitionBatchWriter(table);

        var writes = Enumerable.Range(0, Callers)
            .Select(caller => writer.UpsertAsync([new TableEntity("p0", "same") { ["Value"] = caller.ToString(System.Globalization.CultureInfo.InvariantCulture) }], CancellationToken.None))
            .ToList();
        await Task.WhenAll(writes);

        var stored = (await table.GetEntityAsync<TableEntity>("p0", "same")).Value;
        Assert.Equal((Callers - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), stored.GetString("Value"));
        Assert.True(table.Transactions < Callers, $"{table.Transactions} transactions for {Callers} callers: nothing was coalesced.");
    }

    private static List<TableEntity> EntitiesOf(int caller) =>
        Enumerable.Range(0, EntitiesPerCaller)
            .Select(i => $"c{caller:D3}-{i}")
            .Select(rowKey => new TableEntity(Partitions[(rowKey.GetHashCode(StringComparison.Ordinal) & 0x7fffffff) % Partitions.Length], rowKey) { ["Value"] = rowKey })
            .ToList();

    /// <summary>The real client, counting the transactions it submits.</summary>
    private sealed class CountingTableClient(string connectionString, string tableName) : TableClient(connectionString, tableName)
    {
        private int transactions;

        public int Transactions => Volatile.Read(ref transactions);

        public override Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> transactionActions, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref transactions);
            return base.SubmitTransactionAsync(transactionActions, cancellationToken);
        }
    }
}
