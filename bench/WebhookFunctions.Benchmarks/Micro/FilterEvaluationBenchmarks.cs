using System.Text.Json;
using BenchmarkDotNet.Attributes;
using WebhookFunctions.Benchmarks.Sections;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Subscriptions.Filters;

namespace WebhookFunctions.Benchmarks.Micro;

/// <summary>One filter decided against an already parsed envelope, per shape of section 7; and parsing the envelope, once per event.</summary>
[MemoryDiagnoser]
public class FilterEvaluationBenchmarks : IDisposable
{
    private readonly WebhookEvent webhookEvent = FilterWorkload.Event("bench.filtered");
    private readonly SubscriptionFilter[] filters = [.. Enumerable.Range(0, 3).Select(Compile)];
    private FilterableEvent? parsed;

    [GlobalSetup]
    public void Setup() => parsed = FilterableEvent.From(webhookEvent);

    [Benchmark]
    public bool Threshold() => filters[0].Matches(parsed!);

    [Benchmark]
    public bool ListAndArrayIndex() => filters[1].Matches(parsed!);

    [Benchmark]
    public bool NestedSixConditions() => filters[2].Matches(parsed!);

    [Benchmark]
    public int ParseEnvelope()
    {
        using var once = FilterableEvent.From(webhookEvent);
        return once.GetHashCode();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        parsed?.Dispose();
        GC.SuppressFinalize(this);
    }

    private static SubscriptionFilter Compile(int shape)
    {
        using var definition = JsonDocument.Parse(FilterWorkload.Filter(shape));
        return SubscriptionFilter.TryCompile(definition.RootElement, new FieldErrors()) ?? throw new InvalidOperationException("A bench filter is invalid.");
    }
}
