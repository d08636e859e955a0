using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>
/// A dotted path into the envelope: <c>type</c>, <c>subject</c>, or <c>data</c> followed by property names and array
/// indexes (<c>data.items.0.sku</c>). A segment of digits indexes an array and names a property of an object.
/// </summary>
internal sealed class FilterPath
{
    private static readonly string[] Roots = ["data", "subject", "type"];

    private readonly byte[][] segments;
    private readonly int[] indexes;

    private FilterPath(string text, string[] segments)
    {
        Text = text;
        // UTF-8, as the parsed document holds its property names: a lookup then compares bytes without transcoding.
        this.segments = segments.Select(Encoding.UTF8.GetBytes).ToArray();
        indexes = segments.Select(s => IsIndex(s) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).ToArray();
    }

    public string Text { get; }

    /// <summary>The path, or why it is not one.</summary>
    public static FilterPath? TryParse(string text, out string? error)
    {
        error = null;
        if (text.Length > FilterLimits.MaxPathLength)
        {
            error = $"A path must be at most {FilterLimits.MaxPathLength} characters long.";
            return null;
        }

        var segments = text.Split('.');
        if (!Roots.Contains(segments[0], StringComparer.Ordinal))
        {
            error = $"\"{text}\" is not a field or operator: a path starts with \"data\", \"subject\" or \"type\", and operators are $and, $or and $not here.";
            return null;
        }

        if (segments[0] != "data" && segments.Length > 1)
        {
            error = $"\"{segments[0]}\" is a string; a path cannot go into it.";
            return null;
        }

        if (segments.Length > FilterLimits.MaxPathSegments)
        {
            error = $"A path has at most {FilterLimits.MaxPathSegments} segments.";
            return null;
        }

        if (segments.Any(s => s.Length == 0))
        {
            error = $"\"{text}\" has an empty segment: separate property names with single dots.";
            return null;
        }

        if (segments.Any(s => s.StartsWith('$')))
        {
            error = $"\"{text}\" has a segment starting with '$', which is kept for operators.";
            return null;
        }

        return new FilterPath(text, segments);
    }

    /// <summary>The value at this path in the envelope, or false when the path leads nowhere (missing).</summary>
    public bool TryResolve(JsonElement envelope, out JsonElement value)
    {
        value = envelope;
        for (var i = 0; i < segments.Length; i++)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object when value.TryGetProperty(segments[i], out var property):
                    value = property;
                    break;
                case JsonValueKind.Array when indexes[i] >= 0 && indexes[i] < value.GetArrayLength():
                    value = value[indexes[i]];
                    break;
                default:
                    value = default;
                    return false;
            }
        }

        return true;
    }

    // "0" or digits without a leading zero: "007" is a property name only.
    private static bool IsIndex(string segment) =>
        segment.All(char.IsAsciiDigit) && (segment.Length == 1 || segment[0] != '0') && segment.Length <= 9;
}
