using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>One line of the table: a section, what was measured, its value and unit, and how to read it.</summary>
internal sealed record ResultRow(string Section, string Metric, double Value, string Unit, string Note = "");

/// <summary>
/// The rows of one run, printed to the console and written as Markdown and JSON: {name}.md and {name}.json, the name
/// being the mode (quick or full) unless <paramref name="runName"/> is given.
/// </summary>
internal sealed class ResultTable(BenchSettings settings, string? runName = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly List<ResultRow> rows = [];
    private readonly List<string> blocks = [];
    private readonly Dictionary<string, object> details = new(StringComparer.Ordinal);

    public IReadOnlyList<ResultRow> Rows => rows;

    public void Add(string section, string metric, double value, string unit, string note = "")
    {
        var row = new ResultRow(section, metric, value, unit, note);
        rows.Add(row);
        Console.WriteLine($"  {row.Section,-28} {row.Metric,-46} {Format(row.Value),12} {row.Unit,-14} {row.Note}");
    }

    /// <summary>Extra data kept in the JSON only (e.g. operation counts by kind).</summary>
    public void AddDetail(string key, object value) => details[key] = value;

    /// <summary>Markdown printed after the rows (e.g. a side-by-side comparison of what they measured).</summary>
    public void AddBlock(string markdown) => blocks.Add(markdown);

    public double? Find(string section, string metric) =>
        rows.FirstOrDefault(r => r.Section == section && r.Metric == metric)?.Value;

    public string ToMarkdown(string conditions)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {(settings.Quick ? "quick" : "full")} mode. {conditions}");
        text.AppendLine();
        text.AppendLine("| Section | Metric | Value | Unit | Note |");
        text.AppendLine("| --- | --- | ---: | --- | --- |");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Section} | {row.Metric} | {Format(row.Value)} | {row.Unit} | {row.Note} |");
        }

        foreach (var block in blocks)
        {
            text.AppendLine();
            text.Append(block);
        }

        return text.ToString();
    }

    public async Task WriteAsync(string conditions)
    {
        Directory.CreateDirectory(settings.ResultsDirectory);
        var mode = settings.Quick ? "quick" : "full";
        var name = runName ?? mode;
        var markdownPath = Path.Combine(settings.ResultsDirectory, $"{name}.md");
        var jsonPath = Path.Combine(settings.ResultsDirectory, $"{name}.json");
        await File.WriteAllTextAsync(markdownPath, ToMarkdown(conditions));
        var document = new
        {
            takenAt = DateTimeOffset.UtcNow,
            mode,
            run = name,
            conditions,
            machine = new { Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription },
            settings = new { settings.Concurrency, httpSeconds = settings.HttpDuration.TotalSeconds, azuriteSeconds = settings.AzuriteDuration.TotalSeconds, scenarios = settings.EndToEndScenarios.Select(s => new { s.Subscribers, s.EventsPerSecond, s.Events }), settings.WideFanOutSubscribers, sustainedSeconds = settings.SustainedDuration.TotalSeconds, settings.DirectDelivery },
            rows,
            details,
        };
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(document, Json));
        Console.WriteLine($"Written: {markdownPath}, {jsonPath}");
    }

    public static string Format(double value) => double.IsNaN(value)
        ? "n/a"
        : Math.Abs(value) >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}
