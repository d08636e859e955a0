using WebhookFunctions.Engine.Health;

namespace WebhookFunctions.UnitTests.Application;

public sealed class HealthServiceTests
{
    [Fact]
    public async Task A_probe_that_throws_makes_the_report_unhealthy_with_the_first_line_of_its_error()
    {
        var service = new HealthService([new Probe("storage", () => null), new Probe("queue", () => throw new HttpRequestException("Connection refused (127.0.0.1:10001)\nat ..."))]);

        var report = await service.CheckAsync(CancellationToken.None);

        Assert.False(report.Healthy);
        Assert.Equal(HealthService.Healthy, report.Checks["storage"]);
        Assert.Equal("Connection refused (127.0.0.1:10001)", report.Checks["queue"]);
    }

    [Fact]
    public async Task Every_probe_answering_makes_the_report_healthy()
    {
        var report = await new HealthService([new Probe("storage", () => null)]).CheckAsync(CancellationToken.None);

        Assert.True(report.Healthy);
    }

    private sealed class Probe(string name, Func<string?> check) : IHealthProbe
    {
        public string Name => name;

        public Task<string?> CheckAsync(CancellationToken cancellationToken) => Task.FromResult(check());
    }
}
