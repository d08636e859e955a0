using WebhookFunctions.Testing.Receivers;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>The answers the resilience tests give their endpoints.</summary>
public static class Behaviours
{
    public static Answer Healthy { get; } = Answer.Status(200);

    public static Answer AlwaysFails { get; } = Answer.Status(500);

    /// <summary>Never answers; the request ends when the sender times out and hangs up.</summary>
    public static Answer Hangs => Answer.Hang;

    /// <summary>Answers 200 after <paramref name="delay"/>.</summary>
    public static Answer Slow(TimeSpan delay) => Answer.After(delay, 200);

    /// <summary>Answers 500 with probability <paramref name="failRate"/>, hangs with <paramref name="hangRate"/>, else 200.</summary>
    public static Answer Flaky(double failRate, double hangRate) => Answer.With(async context =>
    {
        var roll = Random.Shared.NextDouble();
        if (roll < failRate + hangRate && roll >= failRate)
        {
            await Answer.Hang.WriteAsync(context, []);
            return;
        }

        context.Response.StatusCode = roll < failRate ? 500 : 200;
    });
}
