using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>A scalar a condition compares with: a string, a number (its exact JSON text), true, false or null.</summary>
internal sealed class FilterOperand
{
    private readonly string? text;
    private readonly byte[]? number;

    private FilterOperand(JsonValueKind kind, string? text, byte[]? number)
    {
        Kind = kind;
        this.text = text;
        this.number = number;
    }

    public JsonValueKind Kind { get; }

    public string Text => text ?? throw new InvalidOperationException("The operand is not a string.");

    public static bool IsScalar(JsonElement value) =>
        value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null;

    public static FilterOperand From(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new(JsonValueKind.String, value.GetString(), null),
        JsonValueKind.Number => new(JsonValueKind.Number, null, JsonMarshal.GetRawUtf8Value(value).ToArray()),
        JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => new(value.ValueKind, null, null),
        _ => throw new ArgumentException("Only a scalar can be an operand.", nameof(value)),
    };

    /// <summary>Same JSON type and same value: strings ordinally, numbers by exact decimal value.</summary>
    public bool EqualTo(JsonElement value) => Kind switch
    {
        JsonValueKind.String => value.ValueKind == JsonValueKind.String && value.ValueEquals(text),
        JsonValueKind.Number => value.ValueKind == JsonValueKind.Number && ExactNumber.Compare(JsonMarshal.GetRawUtf8Value(value), number) == 0,
        _ => value.ValueKind == Kind,
    };

    /// <summary>value compared with this operand (negative: value is less), or null when they are not both numbers or both strings.</summary>
    public int? CompareWith(JsonElement value) => Kind switch
    {
        JsonValueKind.Number when value.ValueKind == JsonValueKind.Number => ExactNumber.Compare(JsonMarshal.GetRawUtf8Value(value), number),
        JsonValueKind.String when value.ValueKind == JsonValueKind.String => string.CompareOrdinal(value.GetString(), text),
        _ => null,
    };

    public override string ToString() => text ?? (number is null ? Kind.ToString() : Encoding.UTF8.GetString(number));
}
