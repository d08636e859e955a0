using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Http.Contracts;

namespace WebhookFunctions.Http.Input;

/// <summary>POST /api/dead-letters/replay's body as a filter and a dry-run flag.</summary>
internal static class ReplayInput
{
    public static Result<(DeadLetterFilter Filter, bool DryRun)> Parse(RequestBody body)
    {
        var parsed = JsonBody.Parse(body.Content, ApiJsonContext.Default.ReplayRequest);
        if (parsed.Value is not { } request)
        {
            return parsed.Error!;
        }

        var errors = new FieldErrors();
        var since = Rfc3339.Parse(errors, "since", request.Since);
        var until = Rfc3339.Parse(errors, "until", request.Until);
        var stage = DeadLetterStageName.Parse(errors, request.Stage);
        if (errors.Any)
        {
            return errors.ToError();
        }

        var filter = new DeadLetterFilter(request.SubscriptionId, request.EventId, request.EventType, since, until, stage, request.TenantId);
        return Result<(DeadLetterFilter, bool)>.Success((filter, request.DryRun));
    }
}
