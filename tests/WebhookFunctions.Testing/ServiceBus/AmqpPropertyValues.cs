using System.Runtime.Serialization;

namespace WebhookFunctions.Testing.ServiceBus;

/// <summary>
/// Application property values as AMQP carries them: the types the SDK can encode (held to the SDK's own encoder by
/// the broker's tests), and what a receiver gets back for each.
/// </summary>
internal static class AmqpPropertyValues
{
    /// <exception cref="SerializationException">A value has a type AMQP cannot carry, as the SDK throws.</exception>
    public static void EnsureEncodable(IEnumerable<KeyValuePair<string, object>>? properties)
    {
        foreach (var (_, value) in properties ?? [])
        {
            if (!IsEncodable(value))
            {
                throw new SerializationException($"Serialization failed due to an unsupported type, {value.GetType().FullName}.");
            }
        }
    }

    public static bool IsEncodable(object? value) => value is null
        or byte or sbyte or short or ushort or int or uint or long or ulong
        or float or double or decimal or bool or char or Guid or string
        or DateTime or DateTimeOffset or TimeSpan or Uri or Stream or byte[];

    /// <summary>
    /// The value after a trip through the broker: a DateTime becomes a UTC timestamp in milliseconds, a DateTimeOffset
    /// comes back in UTC, a Stream as its bytes.
    /// </summary>
    public static object Received(object value) => value switch
    {
        DateTime time => AmqpTimestamp(time),
        DateTimeOffset time => time.ToUniversalTime(),
        Stream stream => ReadAll(stream),
        _ => value,
    };

    /// <summary>The properties a receiver sees: null values are not carried back.</summary>
    public static Dictionary<string, object> ReceivedCopy(IEnumerable<KeyValuePair<string, object>> properties)
    {
        var copy = new Dictionary<string, object>();
        foreach (var (name, value) in properties)
        {
            if (value is not null)
            {
                copy[name] = Received(value);
            }
        }

        return copy;
    }

    private static DateTime AmqpTimestamp(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    /// <summary>The stream's bytes from where it stands, leaving it there for the SDK to read as well.</summary>
    private static byte[] ReadAll(Stream stream)
    {
        var position = stream.CanSeek ? stream.Position : 0;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        if (stream.CanSeek)
        {
            stream.Position = position;
        }

        return buffer.ToArray();
    }
}
