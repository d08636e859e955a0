namespace WebhookFunctions.Testing.Receivers;

/// <summary>
/// One request a receiver has finished with: when it arrived and ended, the status it was answered with (null: the
/// sender hung up first), so a delivered webhook can be told from a failed one, and who sent it when the receiver was
/// given a way to tell (<see cref="WebhookReceiver.StartAsync"/>).
/// </summary>
public sealed record Arrival(string Endpoint, string WebhookId, DateTimeOffset ArrivedAt, DateTimeOffset EndedAt, int? Status, string? Sender)
{
    public bool Succeeded => Status is >= 200 and < 300;
}
