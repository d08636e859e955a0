using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.Engine.FanOut;

/// <summary>Turns one event notice into delivery jobs for every matching enabled subscription.</summary>
public sealed class FanOutService
{
    public Task FanOutAsync(EventNotice notice, CancellationToken cancellationToken) => throw new NotImplementedException();
}
