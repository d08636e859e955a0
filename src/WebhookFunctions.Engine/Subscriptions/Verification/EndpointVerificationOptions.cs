namespace WebhookFunctions.Engine.Subscriptions.Verification;

/// <summary>Endpoint verification. Bound from the "Verification" section.</summary>
public sealed class EndpointVerificationOptions
{
    public const string SectionName = "Verification";

    /// <summary>Every new subscription must pass the handshake, whatever its <c>verify</c> field says.</summary>
    public bool Required { get; set; }
}
