using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace WebhookFunctions.Functions.Http;

/// <summary>
/// The Functions ASP.NET Core integration executes IActionResult, not IResult; this runs the shared handlers'
/// IResult against the same HttpContext, so both hosts write identical responses.
/// </summary>
internal sealed class HttpResultAdapter(IResult result) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return result.ExecuteAsync(context.HttpContext);
    }
}
