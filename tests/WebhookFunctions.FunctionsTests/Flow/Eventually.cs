namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>Bounded polling for what the triggers do in the background.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task HoldsAsync(Func<bool> condition, string what)
    {
        await HoldsAsync(() => Task.FromResult(condition()), what);
    }

    public static Task HoldsAsync(Func<Task<bool>> condition, string what) => HoldsAsync(condition, what, Patience);

    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {patience.TotalSeconds} s: {what}.");
            }

            await Task.Delay(50);
        }
    }
}
