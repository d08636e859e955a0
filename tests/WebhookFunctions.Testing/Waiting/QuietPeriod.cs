using System.Diagnostics;
using Xunit;

namespace WebhookFunctions.Testing.Waiting;

/// <summary>
/// The way a test shows that something did not happen when nothing can tell it that the work is over: a condition
/// (e.g. "one request so far") is checked throughout a stated period and must hold at every check. A quiet period
/// proves only "not within this period"; each caller names its period and why it is long enough for what it rules out.
/// </summary>
public static class QuietPeriod
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static Task HoldsAsync(TimeSpan period, Func<bool> condition, string what) =>
        HoldsAsync(period, () => Task.FromResult(condition()), what);

    public static async Task HoldsAsync(TimeSpan period, Func<Task<bool>> condition, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            if (!await condition())
            {
                Assert.Fail($"Within the quiet period of {period.TotalSeconds} s, after {elapsed.Elapsed.TotalSeconds:F1} s, this stopped holding: {what}.");
            }

            if (elapsed.Elapsed >= period)
            {
                return;
            }

            await Task.Delay(Interval);
        }
    }
}
