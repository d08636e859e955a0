using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WebhookFunctions.Storage.Tables.SubscriptionIndex;

/// <summary>
/// The subscription index's upkeep on every instance: at start-up (before the workers, as part of storage
/// initialisation) the layout migration and a repair of writes that died half-way; then a repair every
/// <see cref="RepairInterval"/>. Markers younger than <see cref="MarkerGrace"/> are left to the writes that own them.
/// </summary>
internal sealed class SubscriptionIndexMaintenance(TableServiceClient tables, StorageNames names, TimeProvider timeProvider, ILogger<SubscriptionIndexMaintenance> logger)
    : BackgroundService
{
    public static readonly TimeSpan RepairInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MarkerGrace = TimeSpan.FromMinutes(2);

    private TableClient Table => tables.GetTableClient(names.SubscriptionsTable);

    /// <summary>Migration, then repair; run once by the storage initializer.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var report = await new SubscriptionIndexMigration(Table, timeProvider, logger).MigrateAsync(cancellationToken);
        if (report.FromVersion == report.ToVersion)
        {
            logger.LogInformation("Subscriptions table layout {Version}: nothing to migrate", report.ToVersion);
        }

        await RepairAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RepairInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RepairAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Subscription index repair failed; it runs again in {Interval}", RepairInterval);
            }
        }
    }

    private async Task RepairAsync(CancellationToken cancellationToken)
    {
        var repaired = await new SubscriptionIndexWriter(Table).RepairAsync(MarkerGrace, timeProvider.GetUtcNow(), cancellationToken);
        if (repaired > 0)
        {
            logger.LogWarning("Subscription index repaired for {Count} subscriptions whose write had stopped half-way", repaired);
        }
    }
}
