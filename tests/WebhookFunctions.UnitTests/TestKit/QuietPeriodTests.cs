using System.Diagnostics;
using WebhookFunctions.Testing.Waiting;
using Xunit.Sdk;

namespace WebhookFunctions.UnitTests.TestKit;

/// <summary>A quiet period is asserted: it lasts as long as it says, and fails as soon as its condition stops holding.</summary>
public sealed class QuietPeriodTests
{
    [Fact]
    public async Task A_condition_that_keeps_holding_passes_after_the_whole_period()
    {
        var elapsed = Stopwatch.StartNew();

        await QuietPeriod.HoldsAsync(TimeSpan.FromMilliseconds(300), () => true, "nothing happens");

        Assert.True(elapsed.Elapsed >= TimeSpan.FromMilliseconds(300), $"The period ended after {elapsed.ElapsedMilliseconds} ms.");
    }

    [Fact]
    public async Task A_condition_that_stops_holding_within_the_period_fails_naming_it()
    {
        var elapsed = Stopwatch.StartNew();

        var broken = await Assert.ThrowsAsync<FailException>(() =>
            QuietPeriod.HoldsAsync(TimeSpan.FromSeconds(30), () => elapsed.Elapsed < TimeSpan.FromMilliseconds(200), "no second delivery"));

        Assert.Contains("no second delivery", broken.Message, StringComparison.Ordinal);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), "The failure waited for the end of the period.");
    }
}
