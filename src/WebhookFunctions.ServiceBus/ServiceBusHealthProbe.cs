using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.Engine.Queueing;

namespace WebhookFunctions.ServiceBus;

/// <summary>The deliveries queue answers a peek: the namespace is reachable and the identity may read it.</summary>
internal sealed class ServiceBusHealthProbe(ServiceBusClient client) : IHealthProbe
{
    private readonly ServiceBusReceiver receiver = client.CreateReceiver(MessagingNames.Deliveries);

    public string Name => "serviceBus";

    public async Task CheckAsync(CancellationToken cancellationToken) =>
        await receiver.PeekMessageAsync(cancellationToken: cancellationToken);

    public string ReasonFor(Exception exception) => exception switch
    {
        UnauthorizedAccessException => HealthReasons.Unauthorized,
        ServiceBusException { Reason: ServiceBusFailureReason.MessagingEntityNotFound } => HealthReasons.NotFound,
        ServiceBusException { Reason: ServiceBusFailureReason.ServiceTimeout } => HealthReasons.Timeout,
        _ => HealthReasons.Unavailable,
    };
}
