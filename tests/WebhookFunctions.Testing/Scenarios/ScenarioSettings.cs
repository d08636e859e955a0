using System.Globalization;
using System.Text.Json;

namespace WebhookFunctions.Testing.Scenarios;

/// <summary>
/// The settings every host runs the scenarios with: a seconds-scale retry schedule, no jitter, a 1 s attempt timeout,
/// loopback receivers allowed, and dead-letter events coalesced over seconds rather than a minute. One file, delivery-scenarios.settings.json, in app-setting form (A__B): the in-process
/// hosts read it here, and the workflow that runs the scenarios against `func start` merges it into
/// local.settings.json.
/// </summary>
public static class ScenarioSettings
{
    public static IReadOnlyDictionary<string, string> AppSettings { get; } = Load();

    public static IReadOnlyList<TimeSpan> RetrySchedule { get; } = AppSettings
        .Where(setting => setting.Key.StartsWith("Delivery__RetrySchedule__", StringComparison.Ordinal))
        .OrderBy(setting => int.Parse(setting.Key.Split("__")[^1], CultureInfo.InvariantCulture))
        .Select(setting => TimeSpan.Parse(setting.Value, CultureInfo.InvariantCulture))
        .ToList();

    public static TimeSpan AttemptTimeout { get; } = TimeSpan.Parse(AppSettings["Delivery__AttemptTimeout"], CultureInfo.InvariantCulture);

    public static int DeadLetterEventsPerWindow { get; } = int.Parse(AppSettings["OperationalEvents__DeadLetterEventsPerWindow"], CultureInfo.InvariantCulture);

    public static TimeSpan CoalescingWindow { get; } = TimeSpan.Parse(AppSettings["OperationalEvents__CoalescingWindow"], CultureInfo.InvariantCulture);

    /// <summary>As configuration keys (A__B is A:B, as environment variables are read).</summary>
    public static Dictionary<string, string?> AsConfiguration() =>
        AppSettings.ToDictionary(setting => setting.Key.Replace("__", ":", StringComparison.Ordinal), setting => (string?)setting.Value);

    private static Dictionary<string, string> Load()
    {
        using var stream = typeof(ScenarioSettings).Assembly.GetManifestResourceStream("delivery-scenarios.settings.json")
            ?? throw new InvalidOperationException("delivery-scenarios.settings.json is not embedded in the test kit.");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stream)!;
    }
}
