namespace WebhookFunctions.Engine.Publishing;

public static class PublishRules
{
    public static IReadOnlyDictionary<string, string[]> Validate(PublishCommand command) => throw new NotImplementedException();
}
