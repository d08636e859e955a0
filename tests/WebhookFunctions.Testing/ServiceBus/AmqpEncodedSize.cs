using System.Reflection;
using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Amqp;

namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>
/// Message sizes as the SDK counts them against the entity's limit: its own AMQP encoding (the internal
/// AmqpMessageConverter, reached by reflection, so a batch fills up exactly as against the real service). An SDK
/// update that renames the converter fails here, loudly, rather than sizing messages differently.
/// </summary>
internal static class AmqpEncodedSize
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly Type ConverterType = typeof(ServiceBusMessage).Assembly.GetType("Azure.Messaging.ServiceBus.Amqp.AmqpMessageConverter", throwOnError: true)!;
    private static readonly object Converter = Activator.CreateInstance(ConverterType, nonPublic: true)!;
    private static readonly MethodInfo ToAmqpMessage = Method("SBMessageToAmqpMessage", typeof(ServiceBusMessage));
    private static readonly MethodInfo EnvelopeOf = Method("BuildAmqpBatchFromMessages", typeof(IReadOnlyCollection<AmqpMessage>), typeof(bool));
    private static readonly MethodInfo SendUnitOf = Method("BatchSBMessagesAsAmqpMessage", typeof(IReadOnlyCollection<ServiceBusMessage>), typeof(bool));

    /// <summary>One message as a batch member (AmqpMessageBatch adds 5 or 8 bytes of framing to this).</summary>
    public static long Of(ServiceBusMessage message) => SerializedSize(ToAmqpMessage, message);

    /// <summary>The batch envelope that a batch reserves before its first message.</summary>
    public static long EmptyBatchEnvelope() => SerializedSize(EnvelopeOf, Array.Empty<AmqpMessage>(), true);

    /// <summary>What SendMessage(s)Async puts on the wire for these messages: one message, or a batch of them.</summary>
    public static long OfSend(IReadOnlyCollection<ServiceBusMessage> messages) => SerializedSize(SendUnitOf, messages, false);

    private static long SerializedSize(MethodInfo method, params object[] arguments)
    {
        using var encoded = (AmqpMessage)method.Invoke(Converter, BindingFlags.DoNotWrapExceptions, null, arguments, null)!;
        return encoded.SerializedMessageSize;
    }

    private static MethodInfo Method(string name, params Type[] parameters) =>
        ConverterType.GetMethod(name, Instance, parameters)
        ?? throw new MissingMethodException(ConverterType.FullName, name);
}
