using Microsoft.AspNetCore.Http;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Http.Contracts;
using WebhookFunctions.Http.Input;
using WebhookFunctions.Http.Output;

namespace WebhookFunctions.Http;

/// <summary>POST /api/events, GET /api/events/{id}, GET /api/events/{id}/deliveries.</summary>
public sealed class EventEndpoints(PublishService publishService, EventQueryService eventQueryService)
{
    public async Task<IResult> PublishAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await RequestBody.ReadAsync(request, PublishInput.MediaTypes, cancellationToken);
        if (body.Value is null)
        {
            return ApiProblems.From(body.Error!);
        }

        var command = PublishInput.Parse(body.Value, request);
        if (command.Value is null)
        {
            return ApiProblems.From(command.Error!);
        }

        var receipt = await publishService.PublishAsync(command.Value, cancellationToken);
        return receipt.Map(accepted => ApiResults.Accepted(
            accepted.ToResponse(),
            ApiJsonContext.Default.PublishAcceptedResponse,
            ApiResults.EventLocation(accepted.Id)));
    }

    public async Task<IResult> GetAsync(string id, CancellationToken cancellationToken)
    {
        var webhookEvent = await eventQueryService.GetAsync(id, cancellationToken);
        return webhookEvent.Map(found => ApiResults.Ok(found.ToResponse(), ApiJsonContext.Default.EventResponse));
    }

    public async Task<IResult> ListDeliveriesAsync(string id, CancellationToken cancellationToken)
    {
        var attempts = await eventQueryService.ListDeliveriesAsync(id, cancellationToken);
        return attempts.Map(found => ApiResults.Ok(
            new ItemsResponse<DeliveryAttemptResponse>(found.Select(ResponseMapping.ToResponse).ToList()),
            ApiJsonContext.Default.ItemsResponseDeliveryAttemptResponse));
    }
}
