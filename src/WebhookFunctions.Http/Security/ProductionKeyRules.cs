namespace WebhookFunctions.Http.Security;

/// <summary>
/// What a key must be outside Development: present, not the public development key, and long enough that guessing
/// it is hopeless. Each problem is one line that says how to fix it.
/// </summary>
public static class ProductionKeyRules
{
    /// <summary>The key appsettings.Development.json accepts; public, like Azurite's account key.</summary>
    public const string DevelopmentKey = "local-dev-key-change-me";

    public const int MinimumLength = 32;

    private const string HowToMakeOne = "make one with `openssl rand -base64 32`";

    public static IReadOnlyList<string> Problems(IReadOnlyList<string?> keys, string environmentName)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!keys.Any(key => !string.IsNullOrWhiteSpace(key)))
        {
            return [$"no API key is configured for the '{environmentName}' environment: set Api:Keys:0 (environment variable Api__Keys__0); {HowToMakeOne}."];
        }

        var problems = new List<string>();
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (string.IsNullOrWhiteSpace(key))
            {
                continue;
            }

            if (string.Equals(key, DevelopmentKey, StringComparison.Ordinal))
            {
                problems.Add($"Api:Keys:{i} is the public development key, which anyone can read in this repository; {HowToMakeOne}.");
            }
            else if (key.Length < MinimumLength)
            {
                problems.Add($"Api:Keys:{i} has {key.Length} characters; outside Development a key needs at least {MinimumLength}: {HowToMakeOne}.");
            }
        }

        return problems;
    }
}
