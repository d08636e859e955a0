namespace WebhookFunctions.Engine.Events;

/// <summary>The body a receiver gets: {"id","type","timestamp","subject"?,"data"} as UTF-8 JSON.</summary>
public static class EventEnvelope
{
    public static byte[] Serialize(WebhookEvent webhookEvent) => throw new NotImplementedException();
}
