namespace WebhookFunctions.Samples.Receiver;

/// <summary>Section "Receiver": where webhooks arrive and the secret they are verified with.</summary>
public sealed class ReceiverOptions
{
    public const string SectionName = "Receiver";

    /// <summary>
    /// A public secret for trying the service locally, like the development API key: the README's walkthrough
    /// subscribes with it. Give a real subscription's secret (from its create or rotate answer) as Receiver:Secret.
    /// </summary>
    public const string SampleSecret = "whsec_5dtVIH+WoRRygXvqgqYZyBa37AIpXLPYn/PyIhIrWF8=";

    /// <summary>Where the receiver listens unless Urls (or --urls) says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    public string Secret { get; set; } = SampleSecret;

    /// <summary>The path webhooks are posted to.</summary>
    public string Path { get; set; } = "/hooks";

    /// <summary>A path that answers 410 Gone, as a receiver that went away does: the service disables its subscription.</summary>
    public string GonePath { get; set; } = "/gone";
}
