using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Engine.Events;

/// <summary>The body a receiver gets: {"id","type","timestamp","subject"?,"data"} as UTF-8 JSON.</summary>
public static class EventEnvelope
{
    // The body is never embedded in HTML, so non-ASCII text is written as itself rather than as \u escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <exception cref="System.Text.Json.JsonException">The event's data is not valid JSON.</exception>
    public static byte[] Serialize(WebhookEvent webhookEvent)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);

        var buffer = new ArrayBufferWriter<byte>(256 + webhookEvent.Data.Length);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", webhookEvent.Id);
            writer.WriteString("type", webhookEvent.Type);
            writer.WriteString("timestamp", Timestamps.ToText(webhookEvent.Timestamp));
            if (webhookEvent.Subject is not null)
            {
                writer.WriteString("subject", webhookEvent.Subject);
            }

            writer.WritePropertyName("data");
            if (webhookEvent.Data.IsEmpty)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteRawValue(webhookEvent.Data.Span);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
