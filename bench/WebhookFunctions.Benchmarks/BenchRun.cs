using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Benchmarks.Sections;
using WebhookFunctions.Development;

namespace WebhookFunctions.Benchmarks;

/// <summary>One run: its own Azurite (in memory, free ports), one receiver, the sections in order, then the table.</summary>
internal static class BenchRun
{
    public static async Task RunAsync(BenchSettings settings, ILogger logger)
    {
        var clock = Stopwatch.StartNew();
        var table = new ResultTable(settings);
        Console.WriteLine($"WebhookFunctions benchmark, {(settings.Quick ? "quick" : "full")} mode, sections {string.Join(",", settings.Sections.Order())}, publishing path: {DeliveryPath.Label(settings.DirectDelivery)}");

        await using var receiver = await LoopbackReceiver.StartAsync();
        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync(logger, CancellationToken.None);

        if (settings.Sections.Contains(1))
        {
            await PhysicalLimitSection.RunAsync(settings, receiver, table);
        }

        if (settings.Sections.Contains(2))
        {
            await EngineOnlySection.RunAsync(settings, receiver, table);
        }

        if (settings.Sections.Contains(7))
        {
            PayloadFilterSection.RunEngine(settings, table);
        }

        double? azuriteOperationsPerSecond = null;
        if (settings.Sections.Contains(3))
        {
            azuriteOperationsPerSecond = await AzuriteCeilingSection.RunAsync(settings, azurite.ConnectionString, table);
        }

        if (settings.Sections.Contains(4) || settings.Sections.Contains(5) || settings.Sections.Contains(7))
        {
            var counter = new StorageOperationCounter(azurite.Ports);
            await using var server = await BenchServer.StartAsync(azurite.ConnectionString, counter, overrides: settings.PathSettings);
            if (settings.Sections.Contains(4))
            {
                await EndToEndSection.RunAsync(settings, server, receiver, counter, azuriteOperationsPerSecond, table);
            }

            if (settings.Sections.Contains(5))
            {
                await WideFanOutSection.RunAsync(settings, server, receiver, counter, table);
            }

            if (settings.Sections.Contains(7))
            {
                await PayloadFilterSection.RunEndToEndAsync(settings, server, receiver, counter, table);
            }
        }

        if (settings.Sections.Contains(8))
        {
            await SubscriptionScaleSection.RunAsync(settings, azurite.ConnectionString, azurite.Ports, receiver, table);
        }

        if (settings.Sections.Contains(9))
        {
            await NoisyNeighbourSection.RunAsync(settings, azurite.ConnectionString, azurite.Ports, receiver, table);
        }

        if (settings.Sections.Contains(10))
        {
            await RetentionSweepSection.RunAsync(settings, azurite.ConnectionString, azurite.Ports, table);
        }

        if (settings.Sections.Contains(11))
        {
            await SustainedLoadSection.RunAsync(settings, azurite.ConnectionString, azurite.Ports, receiver, table, settings.DirectDelivery);
        }

        await FinishAsync(table, clock, DeliveryPath.Label(settings.DirectDelivery));
    }

    /// <summary>Prints the table with the run's conditions and writes it under the results directory.</summary>
    public static async Task FinishAsync(ResultTable table, Stopwatch clock, string publishingPath)
    {
        var conditions = string.Create(
            CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}; Azurite in memory; publishing path: {publishingPath}; load average at the end {LoadAverage()}; run took {clock.Elapsed.TotalMinutes:0.#} min.");
        Console.WriteLine();
        Console.WriteLine(table.ToMarkdown(conditions));
        await table.WriteAsync(conditions);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
