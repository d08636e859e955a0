using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.ServiceBus.Messages;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Doubles;

/// <summary>The app's Service Bus entities on an in-memory broker, a fake clock and an SDK client over them.</summary>
internal sealed class TransportHarness : IAsyncDisposable
{
    public TransportHarness(long maxMessageSizeInBytes = ServiceBusBroker.StandardMaxMessageSizeInBytes)
    {
        Broker = WebhookTopology.CreateBroker(Clock, maxMessageSizeInBytes);
        Client = Broker.CreateClient();
        Settler = new BrokerSettler(Broker);
    }

    public static DateTimeOffset Start { get; } = new(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);

    public ServiceBusBroker Broker { get; }

    public ServiceBusClient Client { get; }

    public BrokerSettler Settler { get; }

    /// <summary>Puts a delivery job on the deliveries queue as fan-out does and takes it as the trigger would.</summary>
    public ServiceBusReceivedMessage ReceiveDelivery(DeliveryJob job)
    {
        Broker.Send(WebhookTopology.Deliveries, ServiceBusMessages.From(DeliveryMessageShape.For(job)));
        return Broker.ReceiveNext(WebhookTopology.Deliveries) ?? throw new InvalidOperationException("The delivery message did not arrive.");
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
