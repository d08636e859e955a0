using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Tenants;
using WebhookFunctions.Http.Contracts;
using WebhookFunctions.Http.Input;
using WebhookFunctions.Http.Output;

namespace WebhookFunctions.Http;

/// <summary>/api/subscriptions and its sub-routes.</summary>
public sealed class SubscriptionEndpoints(SubscriptionService subscriptionService)
{
    public async Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parsed = await JsonBody.ReadAsync(request, ApiJsonContext.Default.CreateSubscriptionRequest, cancellationToken);
        if (parsed.Value is not { } input)
        {
            return ApiProblems.From(parsed.Error!);
        }

        var created = await subscriptionService.CreateAsync(
            new SubscriptionInput(input.Url, input.EventTypes, input.Description, input.Headers, input.Secret, Given(input.Filter), input.TenantId, input.Verify),
            cancellationToken);
        return created.Map(subscription =>
        {
            var response = subscription.ToResponse();
            return ApiResults.Created(
                response,
                ApiJsonContext.Default.CreatedSubscriptionResponse,
                ApiResults.SubscriptionLocation(response.Id),
                response.Etag is { } etag ? EntityTags.ToHeader(etag) : null);
        });
    }

    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new QueryReader(request.Query);
        var tenantId = query.Text(TenantIds.Field);
        var limit = query.Limit();
        var continuationToken = query.ContinuationToken();
        if (query.Errors.Any)
        {
            return ApiProblems.From(query.Errors.ToError());
        }

        var page = await subscriptionService.ListAsync(tenantId, limit, continuationToken, cancellationToken);
        return page.Map(found => ApiResults.Ok(
            found.ToResponse(ResponseMapping.ToResponse),
            ApiJsonContext.Default.PageResponseSubscriptionResponse));
    }

    public async Task<IResult> GetAsync(string id, CancellationToken cancellationToken)
    {
        var subscription = await subscriptionService.GetAsync(id, cancellationToken);
        return subscription.Map(Read);
    }

    public async Task<IResult> UpdateAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ifMatch = request.Headers[HeaderNames.IfMatch];
        var given = ifMatch.Count == 0 || string.IsNullOrWhiteSpace(ifMatch.ToString()) ? null : ifMatch.ToString();
        if (given is not null && (ifMatch.Count > 1 || given.Trim() == "*"))
        {
            return ApiProblems.From(OperationError.Invalid("If-Match", "If-Match must hold exactly one ETag of this subscription."));
        }

        var parsed = await JsonBody.ReadAsync(request, ApiJsonContext.Default.UpdateSubscriptionRequest, cancellationToken);
        if (parsed.Value is not { } input)
        {
            return ApiProblems.From(parsed.Error!);
        }

        // Without If-Match the engine refuses the change (428); one this API never issued matches nothing.
        var storeETag = given is null ? null : EntityTags.FromIfMatch(given);
        if (given is not null && storeETag is null)
        {
            // An If-Match this API never issued matches nothing: 412, or 404 when there is nothing to match.
            var current = await subscriptionService.GetAsync(id, cancellationToken);
            return current.Map(_ => ApiProblems.From(OperationError.StaleETag()));
        }

        var updated = await subscriptionService.UpdateAsync(
            id,
            new SubscriptionPatch(input.Url, input.EventTypes, input.Description, input.Headers, input.Status, Given(input.Filter), input.TenantId),
            storeETag,
            cancellationToken);
        return updated.Map(Read);
    }

    // A field left out of the body is Undefined; JSON null stays a value, which on PATCH removes the filter.
    private static JsonElement? Given(JsonElement filter) => filter.ValueKind == JsonValueKind.Undefined ? null : filter;

    public async Task<IResult> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var deleted = await subscriptionService.DeleteAsync(id, cancellationToken);
        return deleted.Map(existed => existed
            ? ApiResults.NoContent()
            : ApiProblems.From(OperationError.NotFound($"Subscription '{id}'")));
    }

    public async Task<IResult> RotateSecretAsync(string id, CancellationToken cancellationToken)
    {
        var rotated = await subscriptionService.RotateSecretAsync(id, cancellationToken);
        return rotated.Map(secret => ApiResults.Ok(secret.ToResponse(), ApiJsonContext.Default.RotatedSecretResponse));
    }

    public async Task<IResult> SendTestAsync(string id, CancellationToken cancellationToken)
    {
        var receipt = await subscriptionService.SendTestAsync(id, cancellationToken);
        return receipt.Map(accepted => ApiResults.Accepted(
            accepted.ToResponse(),
            ApiJsonContext.Default.PublishAcceptedResponse,
            ApiResults.EventLocation(accepted.Id)));
    }

    public async Task<IResult> VerifyAsync(string id, CancellationToken cancellationToken)
    {
        var verified = await subscriptionService.VerifyAsync(id, cancellationToken);
        return verified.Map(Read);
    }

    public async Task<IResult> ListDeliveriesAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new QueryReader(request.Query);
        var limit = query.Limit();
        var continuationToken = query.ContinuationToken();
        if (query.Errors.Any)
        {
            return ApiProblems.From(query.Errors.ToError());
        }

        var page = await subscriptionService.ListDeliveriesAsync(id, limit, continuationToken, cancellationToken);
        return page.Map(found => ApiResults.Ok(
            found.ToResponse(ResponseMapping.ToResponse),
            ApiJsonContext.Default.PageResponseDeliveryAttemptResponse));
    }

    private static IResult Read(Subscription subscription)
    {
        var response = subscription.ToResponse();
        return response.Etag is { } etag
            ? ApiResults.Ok(response, ApiJsonContext.Default.SubscriptionResponse, EntityTags.ToHeader(etag))
            : ApiResults.Ok(response, ApiJsonContext.Default.SubscriptionResponse);
    }
}
