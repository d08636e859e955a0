using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Engine.Publishing;

/// <summary>Accepts an event: validate, dedupe, store, put a notice on the events queue.</summary>
public sealed class PublishService
{
    public Task<Result<PublishReceipt>> PublishAsync(PublishCommand command, CancellationToken cancellationToken) => throw new NotImplementedException();
}
