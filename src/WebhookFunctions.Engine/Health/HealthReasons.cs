namespace WebhookFunctions.Engine.Health;

/// <summary>
/// Why a check failed, as a key holder sees it in the health details: a fixed vocabulary, never an exception's text
/// (which can name hosts, namespaces and tracking ids). The exception itself goes to the log.
/// </summary>
public static class HealthReasons
{
    /// <summary>The dependency did not answer within the probe timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The dependency answered, but refused the app's identity or key (401, 403).</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The dependency answered, but the table, queue or entity the probe reads does not exist.</summary>
    public const string NotFound = "notFound";

    /// <summary>Anything else: no connection, a server error, an unexpected failure.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The reason for an HTTP status a dependency answered a probe with.</summary>
    public static string ForStatus(int status) => status switch
    {
        401 or 403 => Unauthorized,
        404 => NotFound,
        408 or 504 => Timeout,
        _ => Unavailable,
    };
}
