using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.ServiceBus;

/// <summary>The deliveries queue answers a peek: the namespace is reachable and the identity may read it.</summary>
internal sealed class ServiceBusHealthProbe(ServiceBusClient client) : IHealthProbe
{
    private readonly ServiceBusReceiver _receiver = client.CreateReceiver(MessagingNames.Deliveries);

    public string Name => "serviceBus";

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _receiver.PeekMessageAsync(cancellationToken: cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }
}
