using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Benchmarks.Sections;
using WebhookFunctions.Development;

namespace WebhookFunctions.Benchmarks;

/// <summary>
/// --compare: the two publishing paths back to back in one process on one Azurite, the notice path first, each on
/// fresh servers: section 4's one-subscriber scenario (offered more than it keeps up with: what a delivery costs and
/// how many per second) and section 11's 50 events/s × 1 subscriber case (latency where the load is sustainable).
/// Prints both side by side with their ratios and writes them to compare-{quick,full}.md and .json.
/// </summary>
internal static class CompareRun
{
    private const int Subscribers = 1;
    private const double SustainedRate = 50;
    private const string Section = "Compare";

    public static async Task RunAsync(BenchSettings settings, ILogger logger)
    {
        var clock = Stopwatch.StartNew();
        var table = new ResultTable(settings, settings.Quick ? "compare-quick" : "compare-full");
        var (_, saturationRate, saturationEvents) = settings.EndToEndScenarios.First(s => s.Subscribers == Subscribers);
        Console.WriteLine($"WebhookFunctions benchmark, {(settings.Quick ? "quick" : "full")} mode, --compare: {DeliveryPath.SettingKey}=false, then true");

        await using var receiver = await LoopbackReceiver.StartAsync();
        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync(logger, CancellationToken.None);

        var notice = await RunPathAsync(settings, azurite, receiver, table, directDelivery: false, saturationRate, saturationEvents);
        var direct = await RunPathAsync(settings, azurite, receiver, table, directDelivery: true, saturationRate, saturationEvents);

        table.Add(Section, "deliveries/s direct ÷ notice (4, 1 sub/event)", direct.Saturation.DeliveriesPerSecond / notice.Saturation.DeliveriesPerSecond, "", "target ≥ 1.6");
        table.Add(Section, "storage operations per delivery, direct (4, 1 sub/event)", direct.Saturation.OperationsPerDelivery, "ops", "target ≤ 4.5");
        table.Add(Section, "storage operations per delivery direct ÷ notice (4, 1 sub/event)", direct.Saturation.OperationsPerDelivery / notice.Saturation.OperationsPerDelivery, "", "");
        var sideBySide = SideBySide(notice, direct, saturationRate);
        Console.WriteLine();
        Console.WriteLine(sideBySide);
        table.AddBlock(sideBySide);
        await BenchRun.FinishAsync(table, clock, $"{DeliveryPath.SettingKey}=false, then true");
    }

    private static async Task<PathFigures> RunPathAsync(
        BenchSettings settings, AzuriteLauncher azurite, LoopbackReceiver receiver, ResultTable table, bool directDelivery, double saturationRate, int saturationEvents)
    {
        var label = DeliveryPath.Label(directDelivery);
        var counter = new StorageOperationCounter(azurite.Ports);
        EndToEndFigures saturation;
        await using (var server = await BenchServer.StartAsync(azurite.ConnectionString, counter, overrides: DeliveryPath.Settings(directDelivery)))
        {
            saturation = await EndToEndSection.RunScenarioAsync(server, receiver, counter, null, table, Subscribers, saturationRate, saturationEvents, label);
        }

        var sustained = await SustainedLoadSection.RunCaseAsync(
            settings, azurite.ConnectionString, azurite.Ports, receiver, table, directDelivery, Subscribers, SustainedRate, measureIdle: true);
        return new PathFigures(saturation, sustained);
    }

    private static string SideBySide(PathFigures notice, PathFigures direct, double saturationRate)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| Measure | notice ({DeliveryPath.SettingKey}=false) | direct (true) | direct ÷ notice | Target |");
        text.AppendLine("| --- | ---: | ---: | ---: | --- |");
        void Line(string measure, double old, double @new, string target = "") =>
            text.AppendLine(CultureInfo.InvariantCulture, $"| {measure} | {ResultTable.Format(old)} | {ResultTable.Format(@new)} | {ResultTable.Format(@new / old)} | {target} |");

        var e2e = string.Create(CultureInfo.InvariantCulture, $"(4) 1 sub, offered {saturationRate:0}/s:");
        Line($"{e2e} deliveries/s", notice.Saturation.DeliveriesPerSecond, direct.Saturation.DeliveriesPerSecond, "ratio ≥ 1.6");
        Line($"{e2e} storage operations per delivery", notice.Saturation.OperationsPerDelivery, direct.Saturation.OperationsPerDelivery, "direct ≤ 4.5");
        Line($"{e2e} publish p99, ms", notice.Saturation.Publish.At(99), direct.Saturation.Publish.At(99));
        Line($"{e2e} publish→delivery p95, ms", notice.Saturation.PublishToDelivery.At(95), direct.Saturation.PublishToDelivery.At(95));

        var sustained = string.Create(CultureInfo.InvariantCulture, $"(11) 1 sub, {SustainedRate:0}/s:");
        Line($"{sustained} publish p50, ms", notice.Sustained.Publish.At(50), direct.Sustained.Publish.At(50));
        Line($"{sustained} publish p99, ms", notice.Sustained.Publish.At(99), direct.Sustained.Publish.At(99));
        Line($"{sustained} publish→delivery p50, ms", notice.Sustained.PublishToDelivery.At(50), direct.Sustained.PublishToDelivery.At(50));
        Line($"{sustained} publish→delivery p95, ms", notice.Sustained.PublishToDelivery.At(95), direct.Sustained.PublishToDelivery.At(95), "direct ≤ 150 ms");
        Line($"{sustained} publish→delivery p99, ms", notice.Sustained.PublishToDelivery.At(99), direct.Sustained.PublishToDelivery.At(99));
        Line($"{sustained} deliveries/s in the last stretch ÷ offered", notice.Sustained.LastStretchDeliveriesPerSecond / notice.Sustained.OfferedDeliveriesPerSecond, direct.Sustained.LastStretchDeliveriesPerSecond / direct.Sustained.OfferedDeliveriesPerSecond, "≈ 1");
        Line($"{sustained} storage operations per delivery", notice.Sustained.OperationsPerDelivery, direct.Sustained.OperationsPerDelivery);
        text.AppendLine(CultureInfo.InvariantCulture, $"| {sustained} backlog flat | {YesNo(notice.Sustained.BacklogFlat)} | {YesNo(direct.Sustained.BacklogFlat)} | | yes |");
        return text.ToString();
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    private sealed record PathFigures(EndToEndFigures Saturation, SustainedFigures Sustained);
}
