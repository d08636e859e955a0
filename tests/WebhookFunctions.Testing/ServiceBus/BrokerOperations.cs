namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>What a fault injected with <see cref="ServiceBusBroker.Fail"/> breaks.</summary>
[Flags]
public enum BrokerOperations
{
    None = 0,
    Send = 1,
    Receive = 2,
    Peek = 4,
    Settle = 8,
    All = Send | Receive | Peek | Settle,
}
