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
        Console.WriteLine($"WebhookFunctions benchmark, {(settings.Quick ? "quick" : "full")} mode, sections {string.Join(",", settings.Sections.Order())}");

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
            await using var server = await BenchServer.StartAsync(azurite.ConnectionString, counter);
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

        var conditions = string.Create(
            CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}; Azurite in memory; load average at the end {LoadAverage()}; run took {clock.Elapsed.TotalMinutes:0.#} min.");
        Console.WriteLine();
        Console.WriteLine(table.ToMarkdown(conditions));
        await table.WriteAsync(conditions);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
