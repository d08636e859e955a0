using System.Text;
using System.Text.Json;
using WebhookFunctions.Engine.Events;

namespace WebhookFunctions.UnitTests.Events;

public class EventEnvelopeTests
{
    private static readonly DateTimeOffset Timestamp = new(2026, 11, 24, 6, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void The_envelope_carries_id_type_timestamp_subject_and_the_data_verbatim()
    {
        var data = "{\"orderId\": 42,  \"total\":1.50e2, \"note\":\"caf\\u00e9\"}";
        var webhookEvent = Event(subject: "orders/42", data: data);

        var json = Encoding.UTF8.GetString(EventEnvelope.Serialize(webhookEvent));

        Assert.Equal(
            "{\"id\":\"evt_1\",\"type\":\"order.created\",\"timestamp\":\"2026-11-24T06:00:00.123Z\",\"subject\":\"orders/42\",\"data\":" + data + "}",
            json);
    }

    [Fact]
    public void The_subject_is_left_out_when_there_is_none()
    {
        using var document = JsonDocument.Parse(EventEnvelope.Serialize(Event(subject: null, data: "1")));

        Assert.False(document.RootElement.TryGetProperty("subject", out _));
        Assert.Equal(["id", "type", "timestamp", "data"], document.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Empty_data_is_written_as_null()
    {
        using var document = JsonDocument.Parse(EventEnvelope.Serialize(Event(subject: null, data: "")));

        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("data").ValueKind);
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("\"text\"")]
    [InlineData("true")]
    [InlineData("null")]
    public void Any_json_value_is_carried_as_data(string data)
    {
        var json = Encoding.UTF8.GetString(EventEnvelope.Serialize(Event(subject: null, data: data)));

        Assert.EndsWith(",\"data\":" + data + "}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_timestamp_is_written_in_utc()
    {
        var webhookEvent = Event(subject: null, data: "1") with { Timestamp = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.FromHours(2)) };

        using var document = JsonDocument.Parse(EventEnvelope.Serialize(webhookEvent));

        Assert.Equal("2026-11-24T06:00:00.000Z", document.RootElement.GetProperty("timestamp").GetString());
    }

    [Fact]
    public void Text_outside_ascii_is_written_as_utf8_and_quotes_are_escaped()
    {
        var json = Encoding.UTF8.GetString(EventEnvelope.Serialize(Event(subject: "Zoë \"quoted\"", data: "1")));

        Assert.Contains("\"subject\":\"Zoë \\\"quoted\\\"\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_that_is_not_json_is_refused()
    {
        Assert.ThrowsAny<JsonException>(() => EventEnvelope.Serialize(Event(subject: null, data: "{not json")));
    }

    private static WebhookEvent Event(string? subject, string data) =>
        new("evt_1", "order.created", Timestamp, subject, "https://shop.example", Encoding.UTF8.GetBytes(data), null);
}
