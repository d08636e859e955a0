using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebhookFunctions.Http.Contracts;

/// <summary>UTF-8 JSON written verbatim into a response (empty: null).</summary>
[JsonConverter(typeof(RawJsonConverter))]
internal readonly record struct RawJson(ReadOnlyMemory<byte> Utf8);

internal sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("RawJson is written only.");

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options)
    {
        if (value.Utf8.IsEmpty)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteRawValue(value.Utf8.Span);
    }
}
