using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace WebhookFunctions.FunctionsTests.Infrastructure;

/// <summary>
/// Evaluates the ARM template expressions that <c>bicep snapshot</c> leaves for values known only at deployment
/// (<c>[reference('&lt;id&gt;', '&lt;api&gt;').clientId]</c>, <c>format</c>, <c>replace</c>, <c>split</c>...), given what
/// <c>reference()</c> returns. Only the functions infra/ uses are known; any other fails loudly, so a new kind of
/// expression in the app settings is noticed rather than guessed.
/// </summary>
internal sealed class ArmExpression
{
    private readonly string text;
    private readonly Func<string, JsonObject> reference;
    private int position;

    private ArmExpression(string text, Func<string, JsonObject> reference)
    {
        this.text = text;
        this.reference = reference;
    }

    /// <summary>A plain value as it is; an expression <c>[...]</c> evaluated to its string value.</summary>
    /// <param name="reference">The runtime properties of the resource with a given id.</param>
    public static string Evaluate(string value, Func<string, JsonObject> reference)
    {
        if (!value.StartsWith('[') || !value.EndsWith(']'))
        {
            return value;
        }

        if (value.StartsWith("[[", StringComparison.Ordinal))
        {
            return value[1..];
        }

        var expression = new ArmExpression(value[1..^1], reference);
        var result = expression.ParseExpression();
        if (expression.position != expression.text.Length)
        {
            throw expression.Unexpected();
        }

        return result as string ?? throw new NotSupportedException($"{value} is not a string: {result}");
    }

    private object ParseExpression()
    {
        SkipSpaces();
        var value = Peek() switch
        {
            '\'' => ParseString(),
            var c when char.IsDigit(c) => ParseInteger(),
            var c when char.IsLetter(c) => ParseCall(),
            _ => throw Unexpected(),
        };
        return ParseAccessors(value);
    }

    private object ParseCall()
    {
        var name = ParseIdentifier();
        Expect('(');
        var arguments = new List<object>();
        SkipSpaces();
        while (Peek() != ')')
        {
            arguments.Add(ParseExpression());
            SkipSpaces();
            if (Peek() == ',')
            {
                position++;
            }
        }

        Expect(')');
        return Call(name, arguments);
    }

    private object Call(string name, List<object> arguments) => name.ToLowerInvariant() switch
    {
        "reference" => reference(Text(arguments[0])),
        "format" => string.Format(CultureInfo.InvariantCulture, Text(arguments[0]), arguments.Skip(1).Select(Text).ToArray<object>()),
        "replace" => Text(arguments[0]).Replace(Text(arguments[1]), Text(arguments[2]), StringComparison.Ordinal),
        "split" => Text(arguments[0]).Split(Text(arguments[1])),
        "concat" => string.Concat(arguments.Select(Text)),
        "tolower" => Text(arguments[0]).ToLowerInvariant(),
        _ => throw new NotSupportedException($"ARM function {name}() is not known to this test; teach ArmExpression what it does."),
    };

    private object ParseAccessors(object value)
    {
        while (position < text.Length)
        {
            if (Peek() == '.')
            {
                position++;
                var property = ParseIdentifier();
                value = value is JsonObject node && node[property] is { } child
                    ? child is JsonValue leaf ? leaf.GetValue<string>() : (object)child
                    : throw new NotSupportedException($"No property '{property}' in {value}; add it to the stand-in runtime properties.");
            }
            else if (Peek() == '[')
            {
                position++;
                var index = Convert.ToInt32(ParseExpression(), CultureInfo.InvariantCulture);
                Expect(']');
                value = value is string[] items ? items[index] : throw new NotSupportedException($"Cannot index {value}.");
            }
            else
            {
                break;
            }
        }

        return value;
    }

    private string ParseString()
    {
        Expect('\'');
        var result = new StringBuilder();
        while (true)
        {
            var c = text[position++];
            if (c == '\'')
            {
                if (position < text.Length && text[position] == '\'')
                {
                    result.Append('\'');
                    position++;
                    continue;
                }

                return result.ToString();
            }

            result.Append(c);
        }
    }

    private long ParseInteger()
    {
        var start = position;
        while (position < text.Length && char.IsDigit(text[position]))
        {
            position++;
        }

        return long.Parse(text.AsSpan(start, position - start), CultureInfo.InvariantCulture);
    }

    private string ParseIdentifier()
    {
        var start = position;
        while (position < text.Length && char.IsLetterOrDigit(text[position]))
        {
            position++;
        }

        return start == position ? throw Unexpected() : text[start..position];
    }

    private static string Text(object value) => value switch
    {
        string s => s,
        long n => n.ToString(CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"{value} is not a string."),
    };

    private void Expect(char expected)
    {
        SkipSpaces();
        if (Peek() != expected)
        {
            throw Unexpected();
        }

        position++;
    }

    private void SkipSpaces()
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }
    }

    private char Peek() => position < text.Length ? text[position] : '\0';

    private FormatException Unexpected() => new($"Unexpected '{Peek()}' at {position} in [{text}].");
}
