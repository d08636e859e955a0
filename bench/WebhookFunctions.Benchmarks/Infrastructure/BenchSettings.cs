using System.Globalization;

namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>What one run measures and for how long: the full run (about 10 minutes) or --quick (about 2).</summary>
internal sealed record BenchSettings
{
    public bool Quick { get; init; }

    /// <summary>Requests (or deliveries) in flight at once in sections 1 and 2; the delivery worker's default concurrency.</summary>
    public int Concurrency { get; init; } = 16;

    public TimeSpan HttpDuration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan AzuriteDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Per number of subscribers per event: the offered publish rate (events/s) and how many events are published.</summary>
    public IReadOnlyList<(int Subscribers, double EventsPerSecond, int Events)> EndToEndScenarios { get; init; } =
        [(1, 200, 1000), (10, 100, 300), (100, 10, 30)];

    public int WideFanOutSubscribers { get; init; } = 10_000;

    public TimeSpan WideFanOutTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Section 8: the subscription totals compared, the event rate and run length, and creates during each run.</summary>
    public IReadOnlyList<int> ScaleTotals { get; init; } = [2_000, 200_000];

    public double ScaleEventsPerSecond { get; init; } = 50;

    public TimeSpan ScaleDuration { get; init; } = TimeSpan.FromSeconds(60);

    public int ScaleCreatesDuringRun { get; init; } = 1_000;

    /// <summary>Section 9: events published to the 20 healthy endpoints in each of its two runs.</summary>
    public int NoisyNeighbourEvents { get; init; } = 300;

    /// <summary>Section 10: delivery-log entries expired in one day (and, in its second run, as many newer ones kept).</summary>
    public int RetentionEntries { get; init; } = 100_000;

    /// <summary>Section 10: the newer entries kept beside them, one run each; null: 0 and <see cref="RetentionEntries"/>.</summary>
    public IReadOnlyList<int>? RetentionNewerEntries { get; init; }

    /// <summary>Section 11: the subscribers per event and offered rates (events/s) combined, each for this long on a fresh server.</summary>
    public IReadOnlyList<int> SustainedSubscribers { get; init; } = [1, 10];

    public IReadOnlyList<double> SustainedRates { get; init; } = [25, 50, 100];

    public TimeSpan SustainedDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Section 11: how long after the last publish every delivery may take before the backlog counts as grown.</summary>
    public TimeSpan SustainedDrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Section 11: how long the first fresh server's storage traffic is counted while no event is published.</summary>
    public TimeSpan IdleWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Publishing:DirectDelivery on every server the run starts (true: publish enqueues small fan-outs' delivery job
    /// itself; false: publish → notice → fan-out → job); null leaves the server's default.
    /// </summary>
    public bool? DirectDelivery { get; init; }

    /// <summary>--compare: the notice path and the direct path back to back instead of the sections.</summary>
    public bool Compare { get; init; }

    public string ResultsDirectory { get; init; } = DefaultResultsDirectory();

    /// <summary>
    /// Sections 8 (subscriptions at scale), 10 (retention sweep) and 11 (latency at sustainable load) run only when
    /// named: the first two seed for minutes, the third is six minute-long runs.
    /// </summary>
    public IReadOnlySet<int> Sections { get; init; } = new HashSet<int> { 1, 2, 3, 4, 5, 7, 9 };

    /// <summary>The server settings that choose the publishing path (none when <see cref="DirectDelivery"/> is null).</summary>
    public IReadOnlyDictionary<string, string?> PathSettings => DeliveryPath.Settings(DirectDelivery);

    public static BenchSettings Quick_ => new()
    {
        Quick = true,
        HttpDuration = TimeSpan.FromSeconds(4),
        AzuriteDuration = TimeSpan.FromSeconds(2),
        EndToEndScenarios = [(1, 200, 300), (10, 100, 60), (100, 10, 6)],
        WideFanOutSubscribers = 1_000,
        WideFanOutTimeout = TimeSpan.FromSeconds(60),
        ScaleTotals = [2_000, 20_000],
        ScaleDuration = TimeSpan.FromSeconds(15),
        ScaleCreatesDuringRun = 100,
        NoisyNeighbourEvents = 100,
        RetentionEntries = 10_000,
        SustainedDuration = TimeSpan.FromSeconds(10),
        IdleWindow = TimeSpan.FromSeconds(5),
    };

    /// <summary>
    /// --quick, --compare, --sections 1,2,4, --direct-delivery true|false, --results DIR, --concurrency N,
    /// --subscribers-wide N, --scale-totals N,N, --scale-seconds N, --scale-rate N, --scale-creates N, --retention-entries N, --sustained-seconds N.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown or malformed option.</exception>
    public static BenchSettings Parse(IReadOnlyList<string> args)
    {
        var settings = args.Contains("--quick") ? Quick_ : new BenchSettings();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--compare":
                    settings = settings with { Compare = true };
                    break;
                case "--direct-delivery":
                    settings = settings with { DirectDelivery = bool.Parse(Value(args, ++i)) };
                    break;
                case "--sustained-seconds":
                    settings = settings with { SustainedDuration = TimeSpan.FromSeconds(int.Parse(Value(args, ++i), CultureInfo.InvariantCulture)) };
                    break;
                case "--sections":
                    settings = settings with { Sections = Value(args, ++i).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToHashSet() };
                    break;
                case "--results":
                    settings = settings with { ResultsDirectory = Path.GetFullPath(Value(args, ++i)) };
                    break;
                case "--concurrency":
                    settings = settings with { Concurrency = int.Parse(Value(args, ++i), CultureInfo.InvariantCulture) };
                    break;
                case "--scale-totals":
                    settings = settings with { ScaleTotals = Value(args, ++i).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList() };
                    break;
                case "--scale-creates":
                    settings = settings with { ScaleCreatesDuringRun = int.Parse(Value(args, ++i), CultureInfo.InvariantCulture) };
                    break;
                case "--scale-rate":
                    settings = settings with { ScaleEventsPerSecond = double.Parse(Value(args, ++i), CultureInfo.InvariantCulture) };
                    break;
                case "--scale-seconds":
                    settings = settings with { ScaleDuration = TimeSpan.FromSeconds(int.Parse(Value(args, ++i), CultureInfo.InvariantCulture)) };
                    break;
                case "--retention-entries":
                    settings = settings with { RetentionEntries = int.Parse(Value(args, ++i), CultureInfo.InvariantCulture) };
                    break;
                case "--retention-newer":
                    settings = settings with { RetentionNewerEntries = Value(args, ++i).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList() };
                    break;
                case "--subscribers-wide":
                    settings = settings with { WideFanOutSubscribers = int.Parse(Value(args, ++i), CultureInfo.InvariantCulture) };
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. Options: --quick, --compare, --sections 1,2,3,4,5,7,8,9,10,11, --direct-delivery true|false, --sustained-seconds N, --results DIR, --concurrency N, --subscribers-wide N, --retention-entries N, --retention-newer N,N, --scale-totals 2000,200000, --scale-seconds N, --scale-rate N, --scale-creates N, --micro.");
            }
        }

        return settings;
    }

    private static string Value(IReadOnlyList<string> args, int index) =>
        index < args.Count ? args[index] : throw new ArgumentException($"Option '{args[index - 1]}' needs a value.");

    /// <summary>bench/results beside this project, found from the build output upwards.</summary>
    private static string DefaultResultsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "WebhookFunctions.sln")))
            {
                return Path.Combine(directory.FullName, "bench", "results");
            }
        }

        return Path.GetFullPath("bench-results");
    }
}
