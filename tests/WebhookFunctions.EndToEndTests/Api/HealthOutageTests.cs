using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.EndToEndTests.Hosting;
using WebhookFunctions.Development;
using WebhookFunctions.Testing.Waiting;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Api;

/// <summary>The health endpoints while the server's storage (Azurite) is down.</summary>
public sealed class HealthOutageTests
{
    private static readonly TimeSpan OutageSeen = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_storage_down_health_says_unhealthy_details_give_reason_codes_and_the_exceptions_go_to_the_log()
    {
        var logs = new CapturingLoggerProvider();
        var azurite = await AzuriteLauncher.StartOnFreePortsAsync(NullLogger.Instance, CancellationToken.None);
        await using var server = await RunningServer.StartOnStorageAsync(
            new Dictionary<string, string?>(), azurite.ConnectionString, builder => builder.Logging.AddProvider(logs));
        var port = azurite.Ports.Table.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await azurite.DisposeAsync();
        var (status, details) = await WaitForUnhealthyDetailsAsync(server.Client);
        var anonymous = await server.Anonymous.GetAsync("/api/health");
        var anonymousBody = await anonymous.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, anonymous.StatusCode);
        Assert.Equal("""{"status":"unhealthy"}""", anonymousBody);
        using var json = JsonDocument.Parse(details);
        var checks = json.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetString());
        Assert.Equal(["queue", "storage"], checks.Keys.Order());
        Assert.All(checks.Values, reason => Assert.Contains(reason, new[] { HealthReasons.Unavailable, HealthReasons.Timeout }));
        Assert.DoesNotContain("127.0.0.1", details, StringComparison.Ordinal);
        Assert.DoesNotContain(port, details, StringComparison.Ordinal);
        Assert.Contains(
            logs.Entries,
            entry => entry.Category == typeof(HealthService).FullName && entry.Level == LogLevel.Warning && entry.Exception is not null);
    }

    /// <summary>Polls the details until they turn 503 (the report in hand may still be the healthy one for a few seconds).</summary>
    private static Task<(HttpStatusCode Status, string Body)> WaitForUnhealthyDetailsAsync(HttpClient client) => Eventually.ValueAsync(
        async () =>
        {
            using var response = await client.GetAsync("/api/health/details");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        },
        details => details.StatusCode != HttpStatusCode.OK,
        details => $"the health details report the outage; they still answer {(int)details.StatusCode}: {details.Item2}",
        OutageSeen);
}
