using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>
/// The message actions a Service Bus trigger gets, settling on the in-memory broker by the message's lock token as
/// the Functions host settles on Service Bus. Property values are checked as the real package checks them before it
/// sends them to the host: only what AMQP encodes passes.
/// </summary>
internal sealed class BrokerMessageActions(ServiceBusBroker broker) : ServiceBusMessageActions
{
    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        broker.Complete(message.LockToken);
        return Task.CompletedTask;
    }

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        EnsureEncodable(propertiesToModify);
        broker.Abandon(message.LockToken, propertiesToModify);
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(
        ServiceBusReceivedMessage message,
        Dictionary<string, object>? propertiesToModify = null,
        string? deadLetterReason = null,
        string? deadLetterErrorDescription = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        EnsureEncodable(propertiesToModify);
        broker.DeadLetter(message.LockToken, propertiesToModify, deadLetterReason, deadLetterErrorDescription);
        return Task.CompletedTask;
    }

    public override Task DeferMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The broker double does not model deferral, and the app never defers.");

    public override Task RenewMessageLockAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        broker.RenewLock(message.LockToken);
        return Task.CompletedTask;
    }

    /// <summary>The value types the real package can turn into AMQP values; it throws for any other.</summary>
    public static bool IsEncodable(object? value) => value is null
        or byte or sbyte or short or ushort or int or uint or long or ulong
        or float or double or decimal or bool or char or Guid or string or Uri
        or DateTime or DateTimeOffset or TimeSpan or Stream;

    private static void EnsureEncodable(IEnumerable<KeyValuePair<string, object>>? properties)
    {
        foreach (var (name, value) in properties ?? [])
        {
            if (!IsEncodable(value))
            {
                throw new NotSupportedException($"Property '{name}' has a value of type {value.GetType().FullName}, which AMQP cannot carry.");
            }
        }
    }
}
