using System.Diagnostics;
using Azure.Data.Tables;

namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>
/// What one table request costs the emulator on a table of a given size, timed one at a time with nothing else
/// running: a query of a partition that does not exist (the shape of an index lookup) and a point read that finds
/// nothing. Azurite answers a point read through its key index, but evaluates a query's filter on every row of the
/// table (<c>LokiTableMetadataStore.queryTableEntities</c>: <c>chain().where(predicate)</c>), so a partition query
/// costs it time in proportion to the whole table. Azure Table Storage serves both by key.
/// </summary>
internal static class TableQueryCostProbe
{
    private const int Samples = 30;

    public static async Task<(double PartitionQueryMs, double PointReadMs)> MeasureAsync(TableClient table)
    {
        var queries = new List<double>(Samples);
        var reads = new List<double>(Samples);
        for (var i = 0; i < Samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await foreach (var unused in table.QueryAsync<TableEntity>("PartitionKey eq 'probe|nothing'", maxPerPage: 1000))
            {
            }

            queries.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            await table.GetEntityIfExistsAsync<TableEntity>("probe|nothing", "nothing");
            reads.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return (new Percentiles(queries).At(50), new Percentiles(reads).At(50));
    }
}
