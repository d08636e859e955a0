using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Faults;

namespace WebhookFunctions.ServiceBus.Faults;

/// <summary>
/// Service Bus's transient faults, as the SDK marks them: <see cref="ServiceBusException.IsTransient"/>, which its
/// constructor sets for ServiceCommunicationProblem, ServiceTimeout and ServiceBusy (the SDK's own retry policy asks
/// the same question). A lost lock, a missing entity, a quota or a refused authorisation are not transient: waiting
/// does not change them.
/// </summary>
internal sealed class ServiceBusTransientFaultRule : ITransientFaultRule
{
    public bool IsTransient(Exception exception) => exception is ServiceBusException { IsTransient: true };
}
