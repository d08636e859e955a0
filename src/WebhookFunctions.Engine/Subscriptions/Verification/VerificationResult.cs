namespace WebhookFunctions.Engine.Subscriptions.Verification;

/// <summary>How one handshake ended: passed, or why not, in words an operator can act on.</summary>
public sealed record VerificationResult(bool Passed, string? Failure)
{
    public static VerificationResult Pass { get; } = new(true, null);

    public static VerificationResult Fail(string why) => new(false, why);
}
