using Microsoft.AspNetCore.Http;

namespace WebhookFunctions.Http.Output;

/// <summary>Sets response headers (Location, ETag) and then runs the inner result.</summary>
internal sealed class HeaderedResult(IResult inner, params (string Name, string Value)[] headers) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        foreach (var (name, value) in headers)
        {
            httpContext.Response.Headers[name] = value;
        }

        return inner.ExecuteAsync(httpContext);
    }
}
