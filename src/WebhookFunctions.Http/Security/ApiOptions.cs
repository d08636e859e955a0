namespace WebhookFunctions.Http.Security;

/// <summary>API keys the self-hosted server accepts. Bound from the "Api" configuration section.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Every key that grants access (several allow rotation without downtime).</summary>
    public IList<string> Keys { get; } = [];
}
