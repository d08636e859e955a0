using System.Text.Json;
using System.Text.Json.Serialization;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Engine.Queueing;

/// <summary>The JSON bodies of queue messages, the same on both transports.</summary>
public static class MessageCodec
{
    public static byte[] Encode(DeliveryJob job) => JsonSerializer.SerializeToUtf8Bytes(job, MessageJsonContext.Default.DeliveryJob);

    public static byte[] Encode(EventNotice notice) => JsonSerializer.SerializeToUtf8Bytes(notice, MessageJsonContext.Default.EventNotice);

    /// <exception cref="FormatException">The body is not a delivery job.</exception>
    public static DeliveryJob DecodeDeliveryJob(ReadOnlySpan<byte> body) =>
        Decode(body, MessageJsonContext.Default.DeliveryJob, job => job.EventId is not null && job.SubscriptionIds is { Count: > 0 } && job.Attempt >= 1);

    /// <exception cref="FormatException">The body is not an event notice.</exception>
    public static EventNotice DecodeEventNotice(ReadOnlySpan<byte> body) =>
        Decode(body, MessageJsonContext.Default.EventNotice, notice => notice.EventId is not null && notice.EventType is not null);

    private static T Decode<T>(ReadOnlySpan<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Func<T, bool> isComplete)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize(body, type);
            if (value is not null && isComplete(value))
            {
                return value;
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The message body is not a valid {typeof(T).Name}: {ex.Message}", ex);
        }

        throw new FormatException($"The message body is not a complete {typeof(T).Name}.");
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeliveryJob))]
[JsonSerializable(typeof(EventNotice))]
internal sealed partial class MessageJsonContext : JsonSerializerContext;
