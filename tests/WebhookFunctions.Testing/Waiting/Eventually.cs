using System.Diagnostics;

namespace WebhookFunctions.Testing.Waiting;

/// <summary>
/// Bounded polling for what happens in the background: a condition is checked until it holds or the patience runs
/// out, and then the test fails naming what never happened.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? patience = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, patience);

    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        await ValueAsync(condition, held => held, _ => what, patience);
    }

    /// <summary>Polls <paramref name="probe"/> until it finds something, and returns that.</summary>
    public static async Task<T> FoundAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? patience = null)
        where T : class =>
        (await ValueAsync(probe, found => found is not null, _ => what, patience))!;

    /// <summary>
    /// Polls <paramref name="probe"/> until its value is <paramref name="done"/> and returns that value; on timeout the
    /// failure describes the last value seen.
    /// </summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, Func<T, string> describe, TimeSpan? patience = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(describe);
        var limit = patience ?? DefaultPatience;
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (elapsed.Elapsed > limit)
            {
                throw new TimeoutException($"Not within {limit.TotalSeconds} s: {describe(value)}.");
            }

            await Task.Delay(Interval);
        }
    }
}
