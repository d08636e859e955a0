using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Benchmarks.Micro;

/// <summary>The CPU work of one delivery besides the POST: the envelope, the signature and the headers (1 KiB data).</summary>
[MemoryDiagnoser]
public class DeliveryHotPathBenchmarks
{
    /// <summary>In-process: the repository's analyzers and warnings-as-errors would fail BenchmarkDotNet's generated project.</summary>
    public static readonly IConfig Config = DefaultConfig.Instance
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
        .WithOptions(ConfigOptions.DisableOptimizationsValidator);

    private readonly WebhookEvent webhookEvent = new(
        "evt_micro", "bench.micro", DateTimeOffset.UtcNow, null, null, Encoding.UTF8.GetBytes($$"""{"padding":"{{new string('x', 960)}}"}"""), null);

    private readonly Subscription subscription = new()
    {
        Id = "sub_micro",
        Url = new Uri("http://127.0.0.1/"),
        EventTypes = ["bench.micro"],
        Secrets = [new SigningSecret(WebhookSigner.NewSecret(), null)],
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    private byte[] body = [];

    [GlobalSetup]
    public void Setup() => body = EventEnvelope.Serialize(webhookEvent);

    [Benchmark]
    public byte[] Envelope() => EventEnvelope.Serialize(webhookEvent);

    [Benchmark]
    public string Signature() => WebhookSigner.Sign(subscription.Secrets[0].Value, webhookEvent.Id, 1_700_000_000, body);

    [Benchmark]
    public IReadOnlyList<KeyValuePair<string, string>> Headers() => WebhookHeaders.For(webhookEvent, subscription, body, DateTimeOffset.UtcNow, null);
}
