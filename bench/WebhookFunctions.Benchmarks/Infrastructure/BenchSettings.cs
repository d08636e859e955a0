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

    public string ResultsDirectory { get; init; } = DefaultResultsDirectory();

    /// <summary>Sections 8 (subscriptions at scale) and 10 (retention sweep) run only when named: their seeding takes minutes.</summary>
    public IReadOnlySet<int> Sections { get; init; } = new HashSet<int> { 1, 2, 3, 4, 5, 7, 9 };

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
    };

    /// <summary>--quick, --sections 1,2,4, --results DIR, --concurrency N, --subscribers-wide N, --scale-totals N,N, --scale-seconds N.</summary>
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
                    throw new ArgumentException($"Unknown option '{args[i]}'. Options: --quick, --sections 1,2,3,4,5,7,8,9,10, --results DIR, --concurrency N, --subscribers-wide N, --retention-entries N, --retention-newer N,N, --scale-totals 2000,200000, --scale-seconds N, --micro.");
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
