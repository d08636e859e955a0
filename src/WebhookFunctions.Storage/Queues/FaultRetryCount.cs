using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebhookFunctions.Storage.Queues;

/// <summary>
/// How many fault retries a self-hosted queue message has had, carried in its own body as a top-level
/// <c>faultRetries</c> property beside the job's or notice's fields (the engine's decoders ignore it). A Storage
/// queue has no message properties and its dequeue count grows with every receive alike, so this is the only place
/// where a fault retry can be told from a redelivery that should count towards the poison limit. The count and the
/// new visibility are written by one UpdateMessage, so they cannot disagree.
/// </summary>
internal static class FaultRetryCount
{
    public const string PropertyName = "faultRetries";

    /// <summary>The count in <paramref name="body"/>; 0 when it has none (a message never released after a fault) or is not a JSON object.</summary>
    public static int Read(BinaryData body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var reader = new Utf8JsonReader(body.ToMemory().Span);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isCount = reader.ValueTextEquals(PropertyName);
                reader.Read();
                if (isCount)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var count) && count > 0 ? count : 0;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: decoding will move the message aside; there is no count to read.
        }

        return 0;
    }

    /// <summary><paramref name="body"/> with its count set to <paramref name="faultRetries"/>, every other field kept.</summary>
    /// <exception cref="FormatException">The body is not a JSON object (a decoded message always is).</exception>
    public static BinaryData With(BinaryData body, int faultRetries)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(faultRetries);
        if (JsonNode.Parse(body) is not JsonObject fields)
        {
            throw new FormatException("A queue message body is not a JSON object.");
        }

        fields[PropertyName] = faultRetries;
        return BinaryData.FromString(fields.ToJsonString());
    }
}
