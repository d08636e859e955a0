using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.ServiceBus.Handlers;
using WebhookFunctions.ServiceBusTests.Doubles;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Handlers;

public sealed class ServiceBusDeliverySettlementTests : IAsyncDisposable
{
    private readonly TransportHarness harness = new();

    [Fact]
    public async Task A_message_carries_one_subscription_so_a_second_dead_letter_is_a_bug()
    {
        var settlement = new ServiceBusDeliverySettlement(harness.ReceiveDelivery(Job()), harness.Settler);

        await settlement.RecordDeadLetterAsync(DeadLetter(), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => settlement.RecordDeadLetterAsync(DeadLetter(), CancellationToken.None));
    }

    [Fact]
    public async Task The_message_is_settled_once_and_a_second_completion_is_refused_before_reaching_the_broker()
    {
        var settlement = new ServiceBusDeliverySettlement(harness.ReceiveDelivery(Job()), harness.Settler);

        await settlement.SettleAsync(CancellationToken.None);

        Assert.True(settlement.IsSettled);
        await Assert.ThrowsAsync<InvalidOperationException>(() => settlement.SettleAsync(CancellationToken.None));
        Assert.Empty(harness.Broker.Peek(WebhookTopology.Deliveries));
    }

    public ValueTask DisposeAsync() => harness.DisposeAsync();

    private static DeliveryJob Job() => new("evt_1", "order.created", ["sub_a"], Attempt: 1, null);

    private static DeadLetter DeadLetter() => new(
        "evt_1", "sub_a", "order.created", DeadLetterReason.PayloadRejected, "400", 1, TransportHarness.Start, TransportHarness.Start, 400, "httpError", null);
}
