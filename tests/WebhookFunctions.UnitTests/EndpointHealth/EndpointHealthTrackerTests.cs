using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.Delivery.EndpointHealth;

namespace WebhookFunctions.UnitTests.EndpointHealth;

public sealed class EndpointHealthTrackerTests : IDisposable
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
    private readonly EndpointHealthTracker tracker;

    public EndpointHealthTrackerTests() =>
        tracker = new EndpointHealthTracker(
            Microsoft.Extensions.Options.Options.Create(new EndpointHealthOptions { FailureThreshold = 3, OpenDuration = TimeSpan.FromSeconds(30), InitialConcurrency = 2, MaxConcurrency = 4 }),
            clock);

    public void Dispose() => tracker.Dispose();

    [Fact]
    public void Consecutive_failures_open_the_circuit_until_the_open_duration_passes()
    {
        Fail("s", 3);

        var refused = tracker.TryAdmit("s");

        Assert.False(refused.Admitted);
        Assert.Equal("circuitOpen", refused.Why);
        Assert.InRange(refused.RetryAt, clock.GetUtcNow().AddSeconds(30), clock.GetUtcNow().AddSeconds(33));
    }

    [Fact]
    public void After_the_open_duration_one_probe_goes_and_its_success_closes_the_circuit()
    {
        Fail("s", 3);
        clock.Advance(TimeSpan.FromSeconds(31));

        Assert.True(tracker.TryAdmit("s").Admitted);
        Assert.Equal("circuitProbing", tracker.TryAdmit("s").Why);
        tracker.Release("s", EndpointSignal.Success, TimeSpan.FromMilliseconds(10));

        Assert.True(tracker.TryAdmit("s").Admitted);
        Assert.False(tracker.Inspect("s").Open);
    }

    [Fact]
    public void A_failed_probe_reopens_the_circuit_for_twice_as_long()
    {
        Fail("s", 3);
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.True(tracker.TryAdmit("s").Admitted);
        tracker.Release("s", EndpointSignal.Failure, TimeSpan.FromMilliseconds(10));

        var refused = tracker.TryAdmit("s");

        Assert.InRange(refused.RetryAt, clock.GetUtcNow().AddSeconds(60), clock.GetUtcNow().AddSeconds(66));
    }

    [Fact]
    public void Concurrency_grows_by_one_per_success_and_halves_on_overload()
    {
        Assert.True(tracker.TryAdmit("s").Admitted);
        Assert.True(tracker.TryAdmit("s").Admitted);
        Assert.Equal("endpointBusy", tracker.TryAdmit("s").Why);

        tracker.Release("s", EndpointSignal.Success, TimeSpan.FromMilliseconds(5));
        Assert.Equal(3, tracker.Inspect("s").ConcurrencyLimit);
        tracker.Release("s", EndpointSignal.Overload, TimeSpan.FromMilliseconds(5));
        Assert.Equal(1.5, tracker.Inspect("s").ConcurrencyLimit);
        Assert.Equal(0, tracker.Inspect("s").InFlight);
    }

    [Fact]
    public void The_concurrency_limit_never_exceeds_the_ceiling()
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.True(tracker.TryAdmit("s").Admitted);
            tracker.Release("s", EndpointSignal.Success, TimeSpan.FromMilliseconds(5));
        }

        Assert.Equal(4, tracker.Inspect("s").ConcurrencyLimit);
    }

    [Fact]
    public void One_endpoint_failing_does_not_touch_another()
    {
        Fail("broken", 3);
        Assert.True(tracker.Inspect("broken").Open);

        Assert.True(tracker.TryAdmit("healthy").Admitted);
    }

    [Fact]
    public void A_rate_limit_refuses_requests_beyond_the_per_second_cap()
    {
        using var limited = new EndpointHealthTracker(
            Microsoft.Extensions.Options.Options.Create(new EndpointHealthOptions { MaxRequestsPerSecond = 2, InitialConcurrency = 100 }), clock);

        Assert.True(limited.TryAdmit("s").Admitted);
        Assert.True(limited.TryAdmit("s").Admitted);
        Assert.Equal("rateLimited", limited.TryAdmit("s").Why);
    }

    private void Fail(string id, int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.True(tracker.TryAdmit(id).Admitted);
            tracker.Release(id, EndpointSignal.Failure, TimeSpan.FromMilliseconds(10));
        }
    }
}
