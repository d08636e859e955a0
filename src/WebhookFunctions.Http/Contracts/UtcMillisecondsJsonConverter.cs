using System.Text.Json;
using System.Text.Json.Serialization;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Http.Contracts;

/// <summary>Every time the API writes is RFC 3339 UTC with exactly milliseconds, as the envelope and the logs write it.</summary>
internal sealed class UtcMillisecondsJsonConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTime().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Timestamps.ToText(new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero)));
    }
}
