using BenchmarkDotNet.Running;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Benchmarks;
using WebhookFunctions.Benchmarks.Infrastructure;
using WebhookFunctions.Benchmarks.Micro;

if (args.Contains("--micro"))
{
    // BenchmarkDotNet micro-benchmarks of the per-delivery CPU work (envelope, signature, headers) and of payload filters.
    BenchmarkRunner.Run([typeof(DeliveryHotPathBenchmarks), typeof(FilterEvaluationBenchmarks)], DeliveryHotPathBenchmarks.Config, args.Where(a => a != "--micro").ToArray());
    return 0;
}

BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

#if DEBUG
await Console.Error.WriteLineAsync("Warning: a Debug build; run with -c Release for numbers worth keeping.");
#endif

if (settings.Compare)
{
    await CompareRun.RunAsync(settings, NullLogger.Instance);
}
else
{
    await BenchRun.RunAsync(settings, NullLogger.Instance);
}

return 0;
