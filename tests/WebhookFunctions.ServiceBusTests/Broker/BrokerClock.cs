using Microsoft.Extensions.Time.Testing;

namespace WebhookFunctions.ServiceBusTests.Broker;

internal static class BrokerClock
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Create() => new(Start);
}
