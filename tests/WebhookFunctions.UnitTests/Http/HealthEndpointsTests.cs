using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.Http;

namespace WebhookFunctions.UnitTests.Http;

/// <summary>The shared handler both hosts route GET /api/health and GET /api/health/details to.</summary>
public sealed class HealthEndpointsTests
{
    private const string ExceptionText = "Unauthorized access. 'Listen' claim(s) are required. sb-prod-7.servicebus.windows.net TrackingId:9f0c";

    [Fact]
    public async Task Status_answers_200_with_the_status_alone_when_every_check_passes()
    {
        var (status, headers, body) = await RunAsync(Endpoints(healthy: true).GetStatusAsync);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("no-store", headers.CacheControl.ToString());
        Assert.Equal("""{"status":"healthy"}""", body);
    }

    [Fact]
    public async Task Status_answers_503_with_the_status_alone_when_a_check_fails()
    {
        var (status, _, body) = await RunAsync(Endpoints(healthy: false).GetStatusAsync);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Equal("""{"status":"unhealthy"}""", body);
    }

    [Fact]
    public async Task Details_name_each_check_with_a_reason_code_and_never_the_exception_text()
    {
        var (status, headers, body) = await RunAsync(Endpoints(healthy: false).GetDetailsAsync);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Equal("no-store", headers.CacheControl.ToString());
        using var json = JsonDocument.Parse(body);
        Assert.Equal("unhealthy", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?> { ["storage"] = "healthy", ["serviceBus"] = HealthReasons.Unauthorized }, checks);
        Assert.DoesNotContain("servicebus.windows.net", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("TrackingId", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Details_answer_200_with_every_check_healthy()
    {
        var (status, _, body) = await RunAsync(Endpoints(healthy: true).GetDetailsAsync);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("""{"status":"healthy","checks":{"storage":"healthy","serviceBus":"healthy"}}""", body);
    }

    private static HealthEndpoints Endpoints(bool healthy) =>
        new(new HealthService(
            [new Probe("storage", fails: false), new Probe("serviceBus", fails: !healthy)],
            new FakeTimeProvider(),
            NullLogger<HealthService>.Instance));

    private static async Task<(int Status, IHeaderDictionary Headers, string Body)> RunAsync(Func<CancellationToken, Task<IResult>> endpoint)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        using var body = new MemoryStream();
        context.Response.Body = body;

        var result = await endpoint(CancellationToken.None);
        await result.ExecuteAsync(context);

        return (context.Response.StatusCode, context.Response.Headers, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }

    private sealed class Probe(string name, bool fails) : IHealthProbe
    {
        public string Name => name;

        public Task CheckAsync(CancellationToken cancellationToken) =>
            fails ? Task.FromException(new UnauthorizedAccessException(ExceptionText)) : Task.CompletedTask;

        public string ReasonFor(Exception exception) =>
            exception is UnauthorizedAccessException ? HealthReasons.Unauthorized : HealthReasons.Unavailable;
    }
}
