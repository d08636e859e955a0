using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using WebhookFunctions.Engine.Telemetry;
using WebhookFunctions.FunctionsTests.Infrastructure;

namespace WebhookFunctions.FunctionsTests.Startup;

/// <summary>
/// The worker's own telemetry, as the app's real start-up registers it: the engine's spans and metrics go to the
/// Azure Monitor exporter when Application Insights is configured, worker logs are not cut down to warnings, and the
/// sampling rate is the one configured.
/// </summary>
[Collection(DeployedAppCollection.Name)]
public sealed class WorkerTelemetryTests(DeployedAppFixture fixture)
{
    /// <summary>A well-formed connection string whose ingestion endpoint refuses connections at once.</summary>
    private const string NowhereConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    private const string ApplicationInsightsLoggerProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    private IReadOnlyDictionary<string, string?> DeployedWithNowhereToSend => fixture.App.AppSettings.With(new Dictionary<string, string?>
    {
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = NowhereConnectionString,
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = null,
    });

    [Fact]
    public void With_application_insights_configured_the_engines_spans_reach_the_apps_tracer_provider()
    {
        var seen = new CollectingProcessor();
        using var app = AppSettings.BuildApp(
            DeployedWithNowhereToSend,
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(seen)));

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.NotNull(app.Services.GetService<MeterProvider>());
        using (var probe = WebhookTelemetry.Start("telemetry-probe", ActivityKind.Internal, traceParent: null))
        {
            Assert.NotNull(probe);
            probe.SetTag("probe.id", seen.Id);
        }

        Assert.Contains(seen.Ended, activity => activity.Source.Name == WebhookTelemetry.SourceName && Equals(activity.GetTagItem("probe.id"), seen.Id));
    }

    [Fact]
    public void Without_application_insights_no_exporter_is_registered()
    {
        using var app = AppSettings.BuildApp(AppSettings.LocalSettingsSample());

        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public void Worker_logs_reach_application_insights_below_warning()
    {
        using var app = AppSettings.BuildApp(DeployedWithNowhereToSend);

        var rules = app.Services.GetRequiredService<IOptions<LoggerFilterOptions>>().Value.Rules;

        Assert.DoesNotContain(rules, rule => rule.ProviderName == ApplicationInsightsLoggerProvider && rule.LogLevel >= LogLevel.Warning);
    }

    [Theory]
    [InlineData("25", 25.0)]
    [InlineData("100", null)]
    public void The_application_insights_sdk_samples_at_the_configured_fixed_rate_and_not_at_all_at_100_percent(string configured, double? expected)
    {
        using var app = AppSettings.BuildApp(DeployedWithNowhereToSend.With(new Dictionary<string, string?> { ["Telemetry__SamplingPercentage"] = configured }));

        var processors = app.Services.GetRequiredService<IOptions<TelemetryConfiguration>>().Value.DefaultTelemetrySink.TelemetryProcessors;
        var sampling = processors.Where(processor => processor.GetType().Name == "SamplingTelemetryProcessor").ToList();

        Assert.DoesNotContain(processors, processor => processor.GetType().Name.Contains("AdaptiveSampling", StringComparison.Ordinal));
        Assert.Equal(expected, sampling.Select(processor => (double?)((dynamic)processor).SamplingPercentage).SingleOrDefault());
    }

    private sealed class CollectingProcessor : BaseProcessor<Activity>
    {
        public string Id { get; } = Guid.NewGuid().ToString("N");

        public ConcurrentBag<Activity> Ended { get; } = [];

        public override void OnEnd(Activity data) => Ended.Add(data);
    }
}
