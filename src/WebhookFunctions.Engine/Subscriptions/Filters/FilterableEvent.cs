using System.Text.Json;
using WebhookFunctions.Engine.Events;

namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>An event's envelope parsed once, so that every subscription's filter reads the same document.</summary>
public sealed class FilterableEvent : IDisposable
{
    private readonly JsonDocument document;

    private FilterableEvent(JsonDocument document) => this.document = document;

    internal JsonElement Envelope => document.RootElement;

    /// <exception cref="JsonException">The event's data is not valid JSON.</exception>
    public static FilterableEvent From(WebhookEvent webhookEvent) =>
        new(JsonDocument.Parse(EventEnvelope.Serialize(webhookEvent)));

    public void Dispose() => document.Dispose();
}
