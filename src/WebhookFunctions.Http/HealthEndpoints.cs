using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.Http.Contracts;
using WebhookFunctions.Http.Output;

namespace WebhookFunctions.Http;

/// <summary>GET /api/health (anonymous).</summary>
public sealed class HealthEndpoints(HealthService healthService)
{
    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var report = await healthService.CheckAsync(cancellationToken);
        var status = report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        return new HeaderedResult(
            Results.Json(report.ToResponse(), ApiJsonContext.Default.HealthResponse, statusCode: status),
            (HeaderNames.CacheControl, "no-store"));
    }
}
