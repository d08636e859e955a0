using System.Globalization;
using System.Text.Json;

namespace WebhookFunctions.EndToEndTests.Delivery;

/// <summary>
/// The settings the delivery scenarios assume of the server: a seconds-scale retry schedule, no jitter, a 1 s attempt
/// timeout, loopback receivers allowed. One file (delivery-scenarios.settings.json, app-setting names), read here for
/// the in-process server and merged into local.settings.json by the workflow that runs the scenarios against
/// `func start`.
/// </summary>
public static class DeliveryScenarioSettings
{
    public static IReadOnlyDictionary<string, string> AppSettings { get; } = Load();

    public static IReadOnlyList<TimeSpan> RetrySchedule { get; } = AppSettings
        .Where(setting => setting.Key.StartsWith("Delivery__RetrySchedule__", StringComparison.Ordinal))
        .OrderBy(setting => int.Parse(setting.Key.Split("__")[^1], CultureInfo.InvariantCulture))
        .Select(setting => TimeSpan.Parse(setting.Value, CultureInfo.InvariantCulture))
        .ToList();

    public static TimeSpan AttemptTimeout { get; } = TimeSpan.Parse(AppSettings["Delivery__AttemptTimeout"], CultureInfo.InvariantCulture);

    /// <summary>As configuration keys (A__B is A:B, as environment variables are read).</summary>
    public static Dictionary<string, string?> AsConfiguration() =>
        AppSettings.ToDictionary(setting => setting.Key.Replace("__", ":", StringComparison.Ordinal), setting => (string?)setting.Value);

    private static Dictionary<string, string> Load() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Delivery", "delivery-scenarios.settings.json")))!;
}
