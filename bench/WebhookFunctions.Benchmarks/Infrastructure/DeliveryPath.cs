namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>
/// The self-hosted server's two publishing paths, chosen by Publishing:DirectDelivery: direct (publish stores the event
/// and enqueues a small fan-out's delivery job itself) or through the notice (publish → notice → fan-out → job).
/// </summary>
internal static class DeliveryPath
{
    public const string SettingKey = "Publishing:DirectDelivery";

    /// <summary>The setting to start a server with; none for null (the server's default).</summary>
    public static IReadOnlyDictionary<string, string?> Settings(bool? directDelivery) => directDelivery is { } direct
        ? new Dictionary<string, string?> { [SettingKey] = direct ? "true" : "false" }
        : new Dictionary<string, string?>();

    /// <summary>How the path is named in the table's section column.</summary>
    public static string Label(bool? directDelivery) => directDelivery switch
    {
        true => "direct",
        false => "notice",
        null => "default path",
    };

    /// <summary><paramref name="overrides"/> with the path's setting on top.</summary>
    public static Dictionary<string, string?> With(IReadOnlyDictionary<string, string?> overrides, bool? directDelivery)
    {
        var all = new Dictionary<string, string?>(overrides);
        foreach (var (key, value) in Settings(directDelivery))
        {
            all[key] = value;
        }

        return all;
    }
}
