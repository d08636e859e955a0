using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using WebhookFunctions.Engine.Telemetry;

namespace WebhookFunctions.Functions.Telemetry;

/// <summary>
/// What the worker process sends to Application Insights. host.json's logging and sampling settings apply to the
/// Functions host only ("Managing log levels" in the isolated worker guide); this is the worker's side.
/// </summary>
internal static class WorkerTelemetryRegistration
{
    private const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The Application Insights SDK adds a rule that passes only Warning and above to its logger.</summary>
    private const string ApplicationInsightsLoggerProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    /// <summary>Kept whatever the sampling rate: every invocation and every failure stays visible.</summary>
    private const string NeverSampled = "Request;Exception";

    /// <summary>
    /// Logs, dependencies and exceptions through the Application Insights SDK, as the isolated worker guide sets it up,
    /// at Information and with fixed-rate sampling instead of the SDK's adaptive default; and the engine's
    /// ActivitySource and Meter ("WebhookFunctions") through OpenTelemetry's Azure Monitor exporter, which the SDK
    /// does not listen to. Both sample the same trace ids, by the same hash of the trace id.
    /// </summary>
    public static IServiceCollection AddWorkerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkerTelemetryOptions>()
            .BindConfiguration(WorkerTelemetryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services
            .AddApplicationInsightsTelemetryWorkerService(options => options.EnableAdaptiveSampling = false)
            .ConfigureFunctionsApplicationInsights();
        services.Configure<LoggerFilterOptions>(ConfigureLogLevels);
        services.AddOptions<TelemetryConfiguration>().Configure<IOptions<WorkerTelemetryOptions>>(UseFixedRateSampling);

        // Without a connection string (a local run) the exporter has nowhere to send and would refuse to start.
        if (!string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
        {
            services.AddOpenTelemetry()
                .WithTracing(tracing => tracing.AddSource(WebhookTelemetry.SourceName).AddAzureMonitorTraceExporter())
                .WithMetrics(metrics => metrics.AddMeter(WebhookTelemetry.SourceName).AddAzureMonitorMetricExporter());
            services.AddOptions<AzureMonitorExporterOptions>()
                .PostConfigure<IOptions<WorkerTelemetryOptions>, IConfiguration>(ConfigureExporter);
        }

        return services;
    }

    private static void ConfigureLogLevels(LoggerFilterOptions options)
    {
        var warningOnly = options.Rules.FirstOrDefault(rule => rule.ProviderName == ApplicationInsightsLoggerProvider);
        if (warningOnly is not null)
        {
            options.Rules.Remove(warningOnly);
        }

        // What host.json's logLevel would have done, had it applied to the worker: the Azure SDKs log connection and
        // link housekeeping at Information, and HttpClientFactory four lines per delivery attempt.
        options.AddFilter("Azure", LogLevel.Warning);
        options.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
    }

    private static void UseFixedRateSampling(TelemetryConfiguration telemetry, IOptions<WorkerTelemetryOptions> options)
    {
        var percentage = options.Value.SamplingPercentage;
        if (percentage < 100)
        {
            var chain = telemetry.DefaultTelemetrySink.TelemetryProcessorChainBuilder;
            chain.UseSampling(percentage, excludedTypes: NeverSampled);
            chain.Build();
        }
    }

    private static void ConfigureExporter(AzureMonitorExporterOptions exporter, IOptions<WorkerTelemetryOptions> options, IConfiguration configuration)
    {
        exporter.ConnectionString = configuration[ConnectionStringSetting];
        exporter.Credential ??= ApplicationInsightsCredential.FromAuthenticationString(configuration[ApplicationInsightsCredential.SettingName]);

        // The exporter's default is rate-limited sampling (5 traces per second), which would keep other traces than
        // the SDK's fixed rate; a ratio with no rate limit selects the same fixed-rate sampler.
        exporter.TracesPerSecond = null;
        exporter.SamplingRatio = (float)(options.Value.SamplingPercentage / 100);
    }
}
