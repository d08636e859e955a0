using System.Net.Http.Headers;
using WebhookFunctions.Benchmarks.Infrastructure;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>(1) The physical limit: raw HttpClient POSTs of a 1 KiB body to the loopback receiver, nothing else.</summary>
internal static class PhysicalLimitSection
{
    public const string Name = "1 Physical limit";
    public const string Metric = "raw POSTs (1 KiB)";

    public static async Task RunAsync(BenchSettings settings, LoopbackReceiver receiver, ResultTable table)
    {
        var body = new byte[1024];
        Array.Fill(body, (byte)'x');
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false });
        var url = new Uri(receiver.BaseAddress, "raw");
        var contentType = new MediaTypeHeaderValue("application/json");

        var perSecond = await LoadDrivers.ClosedLoopAsync(settings.Concurrency, settings.HttpDuration, async ct =>
        {
            using var content = new ReadOnlyMemoryContent(body);
            content.Headers.ContentType = contentType;
            using var response = await client.PostAsync(url, content, ct);
            response.EnsureSuccessStatusCode();
        });

        table.Add(Name, Metric, perSecond, "requests/s", $"concurrency {settings.Concurrency}");
    }
}
