using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.Health;

namespace WebhookFunctions.UnitTests.Application;

public sealed class HealthServiceTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger<HealthService> logger = new();

    [Fact]
    public async Task A_failing_probe_reports_its_reason_code_and_logs_the_exception_whose_text_stays_out_of_the_report()
    {
        var failure = new InvalidOperationException("Put token failed. status-code: 401, status-description: sb-secret.servicebus.windows.net TrackingId:1234");
        var service = Service(new Probe("storage"), new Probe("serviceBus", () => throw failure, _ => HealthReasons.Unauthorized));

        var report = await service.CheckAsync(CancellationToken.None);

        Assert.False(report.Healthy);
        Assert.Equal(HealthService.Healthy, report.Checks["storage"]);
        Assert.Equal(HealthReasons.Unauthorized, report.Checks["serviceBus"]);
        Assert.DoesNotContain(report.Checks.Values, value => value.Contains("servicebus", StringComparison.OrdinalIgnoreCase));
        var logged = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Same(failure, logged.Exception);
        Assert.Contains("serviceBus", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_probe_answering_makes_the_report_healthy()
    {
        var report = await Service(new Probe("storage"), new Probe("queue")).CheckAsync(CancellationToken.None);

        Assert.True(report.Healthy);
        Assert.All(report.Checks.Values, value => Assert.Equal(HealthService.Healthy, value));
        Assert.Empty(logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task A_probe_that_does_not_answer_within_the_probe_timeout_is_reported_as_timeout()
    {
        var hanging = new Probe("queue", check: token => Task.Delay(Timeout.Infinite, token));
        var check = Service(hanging).CheckAsync(CancellationToken.None);
        await hanging.Started.Task;

        clock.Advance(HealthService.ProbeTimeout);
        var report = await check;

        Assert.Equal(HealthReasons.Timeout, report.Checks["queue"]);
        Assert.IsAssignableFrom<OperationCanceledException>(Assert.Single(logger.Collector.GetSnapshot()).Exception);
    }

    [Theory]
    [InlineData("Connection refused (10.0.0.4:443)")]
    [InlineData("")]
    public async Task A_reason_outside_the_vocabulary_is_reported_as_unavailable(string reason)
    {
        var report = await Service(new Probe("storage", () => throw new HttpRequestException("down"), _ => reason)).CheckAsync(CancellationToken.None);

        Assert.Equal(HealthReasons.Unavailable, report.Checks["storage"]);
    }

    [Fact]
    public async Task A_classifier_that_throws_still_leaves_unavailable()
    {
        var report = await Service(new Probe("storage", () => throw new HttpRequestException("down"), _ => throw new FormatException())).CheckAsync(CancellationToken.None);

        Assert.Equal(HealthReasons.Unavailable, report.Checks["storage"]);
    }

    [Fact]
    public async Task A_report_is_reused_until_its_lifetime_has_passed_healthy_or_not()
    {
        var healthy = true;
        var probe = new Probe("storage", () =>
        {
            if (!healthy)
            {
                throw new HttpRequestException("down");
            }
        });
        var service = Service(probe);

        await service.CheckAsync(CancellationToken.None);
        healthy = false;
        clock.Advance(HealthService.ReportLifetime - TimeSpan.FromMilliseconds(1));
        var reused = await service.CheckAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var fresh = await service.CheckAsync(CancellationToken.None);
        var reusedFailure = await service.CheckAsync(CancellationToken.None);

        Assert.True(reused.Healthy);
        Assert.False(fresh.Healthy);
        Assert.Same(fresh, reusedFailure);
        Assert.Equal(2, probe.Calls);
    }

    [Fact]
    public async Task Concurrent_callers_share_the_round_in_flight_and_one_caller_giving_up_does_not_cancel_it()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = new Probe("storage", check: _ => release.Task);
        var service = Service(probe);
        using var impatient = new CancellationTokenSource();

        var first = service.CheckAsync(impatient.Token);
        await probe.Started.Task;
        var second = service.CheckAsync(CancellationToken.None);
        await impatient.CancelAsync();
        release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.True((await second).Healthy);
        Assert.Equal(1, probe.Calls);
    }

    [Theory]
    [InlineData(401, HealthReasons.Unauthorized)]
    [InlineData(403, HealthReasons.Unauthorized)]
    [InlineData(404, HealthReasons.NotFound)]
    [InlineData(408, HealthReasons.Timeout)]
    [InlineData(504, HealthReasons.Timeout)]
    [InlineData(500, HealthReasons.Unavailable)]
    [InlineData(503, HealthReasons.Unavailable)]
    public void An_HTTP_status_maps_to_a_reason(int status, string reason) => Assert.Equal(reason, HealthReasons.ForStatus(status));

    private HealthService Service(params IHealthProbe[] probes) => new(probes, clock, logger);

    private sealed class Probe(string name, Action? fail = null, Func<Exception, string>? reasonFor = null, Func<CancellationToken, Task>? check = null) : IHealthProbe
    {
        private int calls;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls => Volatile.Read(ref calls);

        public string Name => name;

        public Task CheckAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref calls);
            Started.TrySetResult();
            fail?.Invoke();
            return check?.Invoke(cancellationToken) ?? Task.CompletedTask;
        }

        public string ReasonFor(Exception exception) => reasonFor?.Invoke(exception) ?? HealthReasons.Unavailable;
    }
}
