using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.Http.Contracts;
using WebhookFunctions.Http.Output;

namespace WebhookFunctions.Http;

/// <summary>
/// GET /api/health, anonymous: the status alone, for load balancers and uptime checks. GET /api/health/details needs
/// a key (the host checks it, as for every other keyed route): the status and each check's reason code. Both answer
/// 200 when every check passed, else 503, from the same short-lived report (<see cref="HealthService"/>).
/// </summary>
public sealed class HealthEndpoints(HealthService healthService)
{
    public async Task<IResult> GetStatusAsync(CancellationToken cancellationToken)
    {
        var report = await healthService.CheckAsync(cancellationToken);
        return Respond(report, report.ToStatusResponse(), ApiJsonContext.Default.HealthStatusResponse);
    }

    public async Task<IResult> GetDetailsAsync(CancellationToken cancellationToken)
    {
        var report = await healthService.CheckAsync(cancellationToken);
        return Respond(report, report.ToDetailsResponse(), ApiJsonContext.Default.HealthDetailsResponse);
    }

    private static HeaderedResult Respond<TResponse>(HealthReport report, TResponse body, JsonTypeInfo<TResponse> type) =>
        new(
            Results.Json(body, ResponseJson.For(type), statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable),
            (HeaderNames.CacheControl, "no-store"));
}
