using System.Diagnostics;

namespace WebhookFunctions.IntegrationTests.Infrastructure;

internal static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until it returns a value or <paramref name="timeout"/> passes (then null).</summary>
    public static async Task<T?> ResultAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, TimeSpan? interval = null)
        where T : class
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (elapsed.Elapsed > timeout)
            {
                return null;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }
}
