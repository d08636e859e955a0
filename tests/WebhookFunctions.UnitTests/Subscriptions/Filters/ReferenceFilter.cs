using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace WebhookFunctions.UnitTests.Subscriptions.Filters;

/// <summary>
/// The filter semantics of docs/payload-filters.md written the plain way: the envelope as dictionaries, lists and exact
/// numbers (mantissa × 10^exponent), the filter interpreted straight from its JSON. The compiled evaluator must agree.
/// </summary>
internal static class ReferenceFilter
{
    private static readonly object Missing = new();
    private static readonly object Null = new();

    public static bool Matches(string filterJson, string dataJson, string type, string? subject)
    {
        var envelope = new Dictionary<string, object>(StringComparer.Ordinal) { ["type"] = type, ["data"] = Model(dataJson) };
        if (subject is not null)
        {
            envelope["subject"] = subject;
        }

        using var filter = JsonDocument.Parse(filterJson);
        return Object(filter.RootElement, envelope);
    }

    private static object Model(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Model(document.RootElement);
    }

    private static object Model(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => Model(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => value.EnumerateArray().Select(Model).ToList(),
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => Number.Parse(value.GetRawText()),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => Null,
    };

    private static bool Object(JsonElement filter, object envelope) =>
        filter.EnumerateObject().All(entry => entry.Name switch
        {
            "$and" => entry.Value.EnumerateArray().All(child => Object(child, envelope)),
            "$or" => entry.Value.EnumerateArray().Any(child => Object(child, envelope)),
            "$not" => !Object(entry.Value, envelope),
            _ => entry.Value.ValueKind == JsonValueKind.Object
                ? entry.Value.EnumerateObject().All(op => Condition(Resolve(envelope, entry.Name), op.Name, op.Value))
                : Condition(Resolve(envelope, entry.Name), "$eq", entry.Value),
        });

    private static object Resolve(object envelope, string path)
    {
        var current = envelope;
        foreach (var segment in path.Split('.'))
        {
            current = current switch
            {
                Dictionary<string, object> map => map.TryGetValue(segment, out var child) ? child : Missing,
                List<object> list when IsIndex(segment) && int.Parse(segment, CultureInfo.InvariantCulture) < list.Count => list[int.Parse(segment, CultureInfo.InvariantCulture)],
                _ => Missing,
            };
        }

        return current;
    }

    private static bool IsIndex(string segment) => segment.All(char.IsAsciiDigit) && (segment == "0" || segment[0] != '0');

    private static bool Condition(object value, string op, JsonElement operand)
    {
        switch (op)
        {
            case "$exists":
                return (value != Missing) == operand.GetBoolean();
            case "$neq":
                return !Condition(value, "$eq", operand);
            case "$nin":
                return !Condition(value, "$in", operand);
        }

        if (value == Missing)
        {
            return false;
        }

        return value is List<object> list ? list.Any(element => Test(element, op, operand)) : Test(value, op, operand);
    }

    private static bool Test(object value, string op, JsonElement operand)
    {
        switch (op)
        {
            case "$eq":
                return Same(value, Model(operand));
            case "$in":
                return operand.EnumerateArray().Any(item => Same(value, Model(item)));
            case "$startsWith":
                return value is string s1 && s1.StartsWith(operand.GetString()!, StringComparison.Ordinal);
            case "$endsWith":
                return value is string s2 && s2.EndsWith(operand.GetString()!, StringComparison.Ordinal);
            case "$contains":
                return value is string s3 && s3.Contains(operand.GetString()!, StringComparison.Ordinal);
        }

        int? order = (value, Model(operand)) switch
        {
            (Number a, Number b) => a.CompareTo(b),
            (string a, string b) => string.CompareOrdinal(a, b),
            _ => null,
        };
        return order is { } o && op switch
        {
            "$gt" => o > 0,
            "$gte" => o >= 0,
            "$lt" => o < 0,
            "$lte" => o <= 0,
            _ => throw new ArgumentException($"Unknown operator {op}.", nameof(op)),
        };
    }

    private static bool Same(object value, object operand) => (value, operand) switch
    {
        (Number a, Number b) => a.CompareTo(b) == 0,
        (string a, string b) => a == b,
        (bool a, bool b) => a == b,
        _ => value == Null && operand == Null,
    };

    /// <summary>Mantissa × 10^Exponent, compared by scaling both to the smaller exponent.</summary>
    private sealed record Number(BigInteger Mantissa, int Exponent) : IComparable<Number>
    {
        public static Number Parse(string text)
        {
            var e = text.IndexOfAny(['e', 'E']);
            var exponent = e < 0 ? 0 : int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var digits = e < 0 ? text : text[..e];
            var point = digits.IndexOf('.', StringComparison.Ordinal);
            if (point >= 0)
            {
                exponent -= digits.Length - point - 1;
                digits = digits.Remove(point, 1);
            }

            return new Number(BigInteger.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), exponent);
        }

        public int CompareTo(Number? other)
        {
            ArgumentNullException.ThrowIfNull(other);
            var common = Math.Min(Exponent, other.Exponent);
            return (Mantissa * BigInteger.Pow(10, Exponent - common)).CompareTo(other.Mantissa * BigInteger.Pow(10, other.Exponent - common));
        }
    }
}
