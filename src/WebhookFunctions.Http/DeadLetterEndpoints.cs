using Microsoft.AspNetCore.Http;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Tenants;
using WebhookFunctions.Http.Contracts;
using WebhookFunctions.Http.Input;
using WebhookFunctions.Http.Output;

namespace WebhookFunctions.Http;

/// <summary>GET /api/dead-letters, POST /api/dead-letters/replay.</summary>
public sealed class DeadLetterEndpoints(DeadLetterService deadLetterService)
{
    private static readonly IReadOnlyList<string> JsonOnly = [RequestBody.Json];

    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new QueryReader(request.Query);
        var subscriptionId = query.Text("subscriptionId");
        var eventType = query.Text("eventType");
        var since = query.Time("since");
        var until = query.Time("until");
        var stage = DeadLetterStageName.Parse(query.Errors, query.Text(DeadLetterStageName.Field));
        var tenantId = query.Text(TenantIds.Field);
        var limit = query.Limit();
        var continuationToken = query.ContinuationToken();
        if (query.Errors.Any)
        {
            return ApiProblems.From(query.Errors.ToError());
        }

        var filter = new DeadLetterFilter(subscriptionId, EventType: eventType, Since: since, Until: until, Stage: stage, TenantId: tenantId);
        var page = await deadLetterService.ListAsync(filter, limit, continuationToken, cancellationToken);
        return page.Map(found => ApiResults.Ok(
            found.ToResponse(ResponseMapping.ToResponse),
            ApiJsonContext.Default.PageResponseDeadLetterResponse));
    }

    public async Task<IResult> ReplayAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await RequestBody.ReadAsync(request, JsonOnly, cancellationToken);
        if (body.Value is null)
        {
            return ApiProblems.From(body.Error!);
        }

        var replay = ReplayInput.Parse(body.Value);
        if (replay.Error is { } error)
        {
            return ApiProblems.From(error);
        }

        var count = await deadLetterService.ReplayAsync(replay.Value.Filter, replay.Value.DryRun, cancellationToken);
        return count.Map(replayed => ApiResults.Ok(replayed.ToResponse(), ApiJsonContext.Default.ReplayResponse));
    }
}
