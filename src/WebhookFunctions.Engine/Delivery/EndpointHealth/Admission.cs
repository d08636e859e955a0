namespace WebhookFunctions.Engine.Delivery.EndpointHealth;

/// <summary>Whether an attempt to an endpoint may go now; when not, when to come back (no attempt is used up).</summary>
public readonly record struct Admission(bool Admitted, DateTimeOffset RetryAt, string? Why)
{
    public static Admission Now { get; } = new(true, default, null);

    public static Admission Later(DateTimeOffset retryAt, string why) => new(false, retryAt, why);
}

/// <summary>What an attempt told about its endpoint's health.</summary>
public enum EndpointSignal
{
    Success,
    Failure,

    /// <summary>429, 503 or a timeout: the endpoint is overloaded; back off harder.</summary>
    Overload,
}
