namespace WebhookFunctions.Testing.Receivers;

/// <summary>
/// One request a receiver has finished with: when it arrived and the status it was answered with (null: the sender
/// hung up first), so a delivered webhook can be told from a failed one.
/// </summary>
public sealed record Arrival(string Endpoint, string WebhookId, DateTimeOffset ArrivedAt, int? Status)
{
    public bool Succeeded => Status is >= 200 and < 300;
}
