using Microsoft.AspNetCore.Http;
using WebhookFunctions.Http.Output;

namespace WebhookFunctions.Http.Security;

/// <summary>Refuses a request without a valid API key with 401 problem+json before its handler runs.</summary>
internal sealed class ApiKeyEndpointFilter(ApiKeyValidator validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        validator.IsAuthorized(context.HttpContext.Request) ? await next(context) : ApiProblems.Unauthorized();
}
