namespace WebhookFunctions.Testing.SelfHosted;

/// <summary>
/// The configuration a test or benchmark server starts with, in process (<see cref="RunningServer"/>) or as a process
/// of its own (as environment variables, <see cref="AsEnvironment"/>): one API key, one storage account and name
/// prefix, quiet logs, and whatever the caller sets on top.
/// </summary>
public static class ServerSettings
{
    public const string ApiKey = "test-server-key-of-at-least-32-characters";

    /// <summary>Lets the server deliver to receivers on 127.0.0.1 over plain HTTP.</summary>
    public static IReadOnlyDictionary<string, string?> LoopbackDelivery { get; } = new Dictionary<string, string?>
    {
        ["Delivery:AllowHttpUrls"] = "true",
        ["Egress:AllowedNetworks:0"] = "127.0.0.0/8",
    };

    /// <summary>
    /// As an operator would tune the server for receivers expected to answer fast: a short attempt timeout, a
    /// seconds-scale retry schedule, the circuit opening after 5 consecutive failures.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> FastReceivers { get; } = new Dictionary<string, string?>
    {
        ["Delivery:AttemptTimeout"] = "00:00:02",
        ["Delivery:RetrySchedule:0"] = "00:00:00",
        ["Delivery:RetrySchedule:1"] = "00:00:01",
        ["Delivery:RetrySchedule:2"] = "00:00:02",
        ["Delivery:RetrySchedule:3"] = "00:00:04",
        ["Delivery:RetrySchedule:4"] = "00:00:08",
        ["EndpointHealth:FailureThreshold"] = "5",
        ["Workers:DeliveryConcurrency"] = "16",
        ["Workers:FanOutConcurrency"] = "4",
        ["Workers:MaxPollDelay"] = "00:00:00.200",
    };

    /// <summary>A storage name prefix of its own: tables, queues and containers no other server uses.</summary>
    public static string FreshNamePrefix() => $"t{Guid.NewGuid():N}"[..16];

    /// <summary>The defaults, then each of <paramref name="layers"/> in turn (a later one wins).</summary>
    public static Dictionary<string, string?> Compose(string storageConnectionString, params IReadOnlyDictionary<string, string?>[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var all = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storageConnectionString,
            ["Storage:NamePrefix"] = FreshNamePrefix(),
            ["Api:Keys:0"] = ApiKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var layer in layers)
        {
            foreach (var (key, value) in layer)
            {
                all[key] = value;
            }
        }

        return all;
    }

    /// <summary>The same settings as environment variables of a server process (":" becomes "__").</summary>
    public static Dictionary<string, string> AsEnvironment(IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Where(setting => setting.Value is not null).ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value!);
    }
}
