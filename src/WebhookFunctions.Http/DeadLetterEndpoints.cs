using Microsoft.AspNetCore.Http;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Tenants;
using WebhookFunctions.Http.Contracts;
using WebhookFunctions.Http.Input;
using WebhookFunctions.Http.Output;

namespace WebhookFunctions.Http;

/// <summary>GET and DELETE /api/dead-letters, POST /api/dead-letters/replay.</summary>
public sealed class DeadLetterEndpoints(DeadLetterService deadLetterService)
{
    internal const string DryRunField = "dryRun";

    private static readonly IReadOnlyList<string> JsonOnly = [RequestBody.Json];

    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new QueryReader(request.Query);
        var filter = ReadFilter(query);
        var limit = query.Limit();
        var continuationToken = query.ContinuationToken();
        if (query.Errors.Any)
        {
            return ApiProblems.From(query.Errors.ToError());
        }

        var page = await deadLetterService.ListAsync(filter, limit, continuationToken, cancellationToken);
        return page.Map(found => ApiResults.Ok(
            found.ToResponse(ResponseMapping.ToResponse),
            ApiJsonContext.Default.PageResponseDeadLetterResponse));
    }

    /// <summary>The listing's query (filters, limit, continuationToken) and dryRun.</summary>
    public async Task<IResult> PurgeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new QueryReader(request.Query);
        var filter = ReadFilter(query);
        var limit = query.Limit();
        var continuationToken = query.ContinuationToken();
        var dryRun = query.Flag(DryRunField);
        if (query.Errors.Any)
        {
            return ApiProblems.From(query.Errors.ToError());
        }

        var purged = await deadLetterService.PurgeAsync(filter, limit, continuationToken, dryRun, cancellationToken);
        return purged.Map(report => ApiResults.Ok(report.ToResponse(), ApiJsonContext.Default.PurgeResponse));
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

    /// <summary>The filters the listing and the purge share, read from the query.</summary>
    private static DeadLetterFilter ReadFilter(QueryReader query) => new(
        query.Text("subscriptionId"),
        EventType: query.Text("eventType"),
        Since: query.Time("since"),
        Until: query.Time("until"),
        Stage: DeadLetterStageName.Parse(query.Errors, query.Text(DeadLetterStageName.Field)),
        TenantId: query.Text(TenantIds.Field));
}
