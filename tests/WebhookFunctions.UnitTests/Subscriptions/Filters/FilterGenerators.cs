using System.Globalization;
using System.Numerics;
using System.Text.Json;
using CsCheck;

namespace WebhookFunctions.UnitTests.Subscriptions.Filters;

/// <summary>
/// Random envelopes and filters over a small vocabulary, so that paths often meet values and values often collide:
/// numbers written several ways (1, 1e0, 1.0, 2^64 + n), strings that are prefixes of each other, nested objects and arrays.
/// </summary>
internal static class FilterGenerators
{
    private static readonly BigInteger TwoTo64 = BigInteger.Pow(2, 64);

    private static readonly string[] Strings = ["", "a", "b", "ab", "abc", "ba", "A", "é", "e\u0301", "1"];

    private static readonly string[] Keys = ["a", "b", "c", "0", "1"];

    private static readonly string[] Paths =
        ["data", "data.a", "data.b", "data.c", "data.0", "data.1", "data.00", "data.a.a", "data.a.b", "data.a.0", "data.a.1", "data.b.0.a", "data.c.1.b", "subject", "type"];

    public static readonly Gen<string> Number =
        Gen.Select(Gen.Long[-12, 12], Gen.Int[-2, 2], Gen.Int[0, 3], (mantissa, exponent, form) => form switch
        {
            0 => mantissa.ToString(CultureInfo.InvariantCulture),
            1 => string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{exponent}"),
            2 => WithPoint(mantissa, Math.Abs(exponent)),
            _ => (TwoTo64 + mantissa).ToString(CultureInfo.InvariantCulture),
        });

    public static readonly Gen<string> Text = Gen.OneOf(Strings).Select(s => JsonSerializer.Serialize(s));

    public static readonly Gen<string> Scalar = Gen.Frequency(
        (4, (IGen<string>)Number),
        (4, Text),
        (1, Gen.OneOf("true", "false")),
        (1, Gen.Const("null")));

    public static readonly Gen<string> Data = Value(3);

    public static readonly Gen<string?> Subject = Gen.OneOf<string?>(null, "a", "ab", "b");

    public static readonly Gen<string> Type = Gen.OneOf("order.created", "order.paid");

    public static readonly Gen<string> Filter = FilterObject(1);

    private static Gen<string> Value(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (3, (IGen<string>)Scalar),
            (1, Gen.Select(Gen.OneOf(Keys).ArrayUnique[0, 4], Value(depth - 1).Array[4], (keys, values) =>
                "{" + string.Join(",", keys.Select((key, i) => $"\"{key}\":{values[i]}")) + "}")),
            (1, Value(depth - 1).Array[0, 3].Select(values => "[" + string.Join(",", values) + "]")));

    // A filter object at nesting level 'depth' (the top is 1): conditions, or one logical operator while levels remain.
    private static Gen<string> FilterObject(int depth)
    {
        var conditions = Condition.Array[1, 2].Select(entries => "{" + string.Join(",", entries) + "}");
        if (depth == 5)
        {
            return conditions;
        }

        var child = FilterObject(depth + 1);
        return Gen.Frequency(
            (3, (IGen<string>)conditions),
            (1, child.Array[1, 2].Select(children => "{\"$and\":[" + string.Join(",", children) + "]}")),
            (1, child.Array[1, 2].Select(children => "{\"$or\":[" + string.Join(",", children) + "]}")),
            (1, child.Select(inner => "{\"$not\":" + inner + "}")));
    }

    private static Gen<string> Condition => Gen.Select(Gen.OneOf(Paths), Gen.Frequency(
        (2, (IGen<string>)Scalar),
        (6, Operator.Array[1, 2].Select(ops => "{" + string.Join(",", ops) + "}"))),
        (path, test) => $"\"{path}\":{test}");

    private static Gen<string> Operator => Gen.Frequency(
        (1, (IGen<string>)Scalar.Select(v => $"\"$eq\":{v}")),
        (1, Scalar.Select(v => $"\"$neq\":{v}")),
        (4, Gen.Select(Gen.OneOf("$gt", "$gte", "$lt", "$lte"), Gen.OneOf(Number, Text), (op, v) => $"\"{op}\":{v}")),
        (2, Gen.Select(Gen.OneOf("$in", "$nin"), Scalar.Array[1, 3], (op, v) => $"\"{op}\":[{string.Join(",", v)}]")),
        (1, Gen.OneOf("true", "false").Select(v => $"\"$exists\":{v}")),
        (2, Gen.Select(Gen.OneOf("$startsWith", "$endsWith", "$contains"), Text, (op, v) => $"\"{op}\":{v}")));

    private static string WithPoint(long mantissa, int decimals)
    {
        var digits = Math.Abs(mantissa).ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        var text = decimals == 0 ? digits + ".0" : digits.Insert(digits.Length - decimals, ".");
        return mantissa < 0 ? "-" + text : text;
    }
}
