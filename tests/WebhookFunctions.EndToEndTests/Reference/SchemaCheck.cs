using System.Globalization;
using System.Text.Json.Nodes;

namespace WebhookFunctions.EndToEndTests.Reference;

/// <summary>
/// A small JSON Schema check over an OpenAPI 3.1 document, written for these tests: the keywords the document uses
/// ($ref into components, type with null, enum, const, properties, required, additionalProperties, items,
/// propertyNames, format date-time). It reports every place a value breaks its schema.
/// </summary>
internal sealed class SchemaCheck(JsonNode document)
{
    public IReadOnlyList<string> Errors(JsonNode? value, JsonNode schema)
    {
        var errors = new List<string>();
        Check(value, schema, "$", errors);
        return errors;
    }

    private void Check(JsonNode? value, JsonNode schema, string at, List<string> errors)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            Check(value, Resolve(reference), at, errors);
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(option => JsonNode.DeepEquals(option, value)))
        {
            errors.Add($"{at}: {value?.ToJsonString() ?? "null"} is not one of {allowed.ToJsonString()}");
        }

        if (schema["const"] is { } constant && !JsonNode.DeepEquals(constant, value))
        {
            errors.Add($"{at}: {value?.ToJsonString() ?? "null"} is not {constant.ToJsonString()}");
        }

        if (schema["type"] is { } type && !Types(type).Contains(TypeOf(value)) && !(TypeOf(value) == "integer" && Types(type).Contains("number")))
        {
            errors.Add($"{at}: {TypeOf(value)} where {type.ToJsonString()} is expected");
            return;
        }

        switch (value)
        {
            case JsonObject item:
                CheckObject(item, schema, at, errors);
                break;
            case JsonArray list when schema["items"] is { } items:
                for (var i = 0; i < list.Count; i++)
                {
                    Check(list[i], items, $"{at}[{i}]", errors);
                }

                break;
            case JsonValue text when schema["format"]?.GetValue<string>() == "date-time" && text.TryGetValue<string>(out var time)
                && !DateTimeOffset.TryParseExact(time, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture, DateTimeStyles.None, out _):
                errors.Add($"{at}: '{time}' is not an RFC 3339 date-time");
                break;
        }
    }

    private void CheckObject(JsonObject item, JsonNode schema, string at, List<string> errors)
    {
        var properties = schema["properties"]?.AsObject();
        foreach (var required in schema["required"]?.AsArray() ?? [])
        {
            if (!item.ContainsKey(required!.GetValue<string>()))
            {
                errors.Add($"{at}: '{required}' is required");
            }
        }

        foreach (var (name, value) in item)
        {
            if (schema["propertyNames"] is { } names)
            {
                Check(JsonValue.Create(name), names, $"{at} key '{name}'", errors);
            }

            if (properties?[name] is { } property)
            {
                Check(value, property, $"{at}.{name}", errors);
            }
            else if (schema["additionalProperties"] is { } additional)
            {
                if (additional is JsonValue allowed && allowed.TryGetValue<bool>(out var isAllowed))
                {
                    if (!isAllowed)
                    {
                        errors.Add($"{at}: '{name}' is not a field of this object");
                    }
                }
                else
                {
                    Check(value, additional, $"{at}.{name}", errors);
                }
            }
        }
    }

    private JsonNode Resolve(string reference)
    {
        Assert.StartsWith("#/", reference, StringComparison.Ordinal);
        var node = document;
        foreach (var part in reference[2..].Split('/'))
        {
            node = node[part] ?? throw new KeyNotFoundException($"{reference} is not in the document.");
        }

        return node;
    }

    private static string[] Types(JsonNode type) =>
        type is JsonArray several ? several.Select(t => t!.GetValue<string>()).ToArray() : [type.GetValue<string>()];

    private static string TypeOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue scalar when scalar.TryGetValue<string>(out _) => "string",
        JsonValue scalar when scalar.TryGetValue<bool>(out _) => "boolean",
        JsonValue scalar when scalar.TryGetValue<long>(out _) => "integer",
        _ => "number",
    };
}
