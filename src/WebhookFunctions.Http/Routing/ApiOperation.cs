namespace WebhookFunctions.Http.Routing;

/// <summary>
/// What the API reference says of one route: its name, what it takes and what it answers. Kept beside the route so the
/// OpenAPI document is generated from the same table the hosts route by.
/// </summary>
public sealed record ApiOperation(string Id, string Tag, string Summary)
{
    public string? Description { get; init; }

    /// <summary>The request body's type and the media types it is accepted in; null when the route takes no body.</summary>
    public ApiBody? Request { get; init; }

    public IReadOnlyList<ApiParameter> Query { get; init; } = [];

    public IReadOnlyList<ApiParameter> RequestHeaders { get; init; } = [];

    /// <summary>Every answer but 401, which every keyed route has and the generator adds.</summary>
    public IReadOnlyList<ApiResponse> Responses { get; init; } = [];
}

public sealed record ApiBody(Type Type, IReadOnlyList<string> ContentTypes, string Description);

public enum ApiValueKind
{
    Text,
    WholeNumber,
    Boolean,
    Time,
}

public sealed record ApiParameter(string Name, string Description, ApiValueKind Kind = ApiValueKind.Text, bool Required = false);

/// <summary>One answer: a JSON body of <see cref="Body"/> (none when null), a problem when <see cref="Problem"/>, and response headers.</summary>
public sealed record ApiResponse(int Status, string Description, Type? Body = null)
{
    public bool Problem => Body is null && Status >= 400;

    public IReadOnlyList<ApiParameter> Headers { get; init; } = [];
}
