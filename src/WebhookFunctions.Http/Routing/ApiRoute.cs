namespace WebhookFunctions.Http.Routing;

/// <summary>Who may call a route.</summary>
public enum ApiAccess
{
    /// <summary>No key (health only).</summary>
    Anonymous,

    /// <summary>A key: the self-hosted server's Api:Keys, or a function key in Azure (AuthorizationLevel.Function).</summary>
    Key,
}

/// <summary>
/// One route of the HTTP contract: method, template (relative to /api), access, and the handler the self-hosted
/// server maps (a delegate over the shared endpoint classes; the Functions triggers call the same methods).
/// </summary>
public sealed record ApiRoute(string Method, string Template, ApiAccess Access, Delegate Handler, ApiOperation Operation)
{
    /// <summary>The path as a client sees it, e.g. /api/events/{id}.</summary>
    public string Path => $"/{ApiRouteTemplates.Prefix}/{Template}";

    public override string ToString() => $"{Method} {Path} ({Access})";
}
