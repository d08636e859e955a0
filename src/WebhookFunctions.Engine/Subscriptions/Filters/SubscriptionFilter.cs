using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>
/// A subscription's payload filter, compiled once when the subscription is created or read, and evaluated per event
/// against a <see cref="FilterableEvent"/>. The language and its semantics are described in docs/payload-filters.md.
/// </summary>
public sealed class SubscriptionFilter : IEquatable<SubscriptionFilter>
{
    /// <summary>The name of the field the filter is given in, and the root of every error's place.</summary>
    public const string Field = "filter";

    private readonly FilterNode root;

    private SubscriptionFilter(string json, JsonElement definition, FilterNode root)
    {
        Json = json;
        Definition = definition;
        this.root = root;
    }

    /// <summary>The filter as compact JSON, as it is stored.</summary>
    public string Json { get; }

    /// <summary>The filter as a JSON value, as reads return it.</summary>
    public JsonElement Definition { get; }

    /// <summary>The compiled filter, or null with every fault added to <paramref name="errors"/> under its place.</summary>
    public static SubscriptionFilter? TryCompile(JsonElement definition, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var json = Compact(definition);
        if (json.Length > FilterLimits.MaxJsonLength)
        {
            errors.Add(Field, $"The filter is {json.Length} characters of JSON; at most {FilterLimits.MaxJsonLength} are allowed.");
            return null;
        }

        var root = FilterParser.Parse(definition, Field, errors);
        return root is null ? null : new SubscriptionFilter(json, JsonDocument.Parse(json).RootElement.Clone(), root);
    }

    /// <summary>A stored filter, compiled again.</summary>
    /// <exception cref="InvalidDataException">The stored text is not a valid filter.</exception>
    public static SubscriptionFilter FromJson(string json)
    {
        JsonElement definition;
        try
        {
            using var document = JsonDocument.Parse(json);
            definition = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("A stored subscription filter is not valid JSON.", ex);
        }

        var errors = new FieldErrors();
        return TryCompile(definition, errors)
            ?? throw new InvalidDataException($"A stored subscription filter is not valid: {string.Join(" ", errors.ToDictionary().SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")))}");
    }

    private static string Compact(JsonElement definition)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            definition.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public bool Matches(FilterableEvent webhookEvent)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        return root.Matches(webhookEvent.Envelope);
    }

    public bool Equals(SubscriptionFilter? other) => other is not null && string.Equals(Json, other.Json, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as SubscriptionFilter);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Json);

    public override string ToString() => Json;
}
