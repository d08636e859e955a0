using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Http.Input;

/// <summary>Deserializes a request body; malformed JSON becomes a validation error naming the body or the field at fault.</summary>
internal static class JsonBody
{
    public const string BodyField = "body";

    private static readonly IReadOnlyList<string> JsonOnly = [RequestBody.Json];

    /// <summary>Reads an application/json body within the size cap and deserializes it.</summary>
    public static async Task<Result<T>> ReadAsync<T>(Microsoft.AspNetCore.Http.HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var body = await RequestBody.ReadAsync(request, JsonOnly, cancellationToken);
        return body.Value is null ? body.Error! : Parse(body.Value.Content, type);
    }

    public static Result<T> Parse<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type)
        where T : class
    {
        if (body.IsEmpty)
        {
            return OperationError.Invalid(BodyField, "The request body is empty; a JSON object is expected.");
        }

        try
        {
            var value = JsonSerializer.Deserialize(body, type);
            return value is null
                ? OperationError.Invalid(BodyField, "The request body must be a JSON object, not null.")
                : Result<T>.Success(value);
        }
        catch (JsonException ex)
        {
            return Describe(ex);
        }
    }

    /// <summary>A JSON error as a field error: the top-level property it is under, or "body" for the document itself.</summary>
    public static OperationError Describe(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var path = exception.Path;
        var field = TopLevelProperty(path) ?? BodyField;
        var where = path is null or "$"
            ? $"line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}"
            : $"{path} (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})";
        var message = $"Invalid JSON at {where}: {Reason(exception)}";
        return OperationError.Invalid(field, message);
    }

    private static string Reason(JsonException exception)
    {
        var message = (exception.InnerException as JsonException ?? exception.InnerException ?? exception).Message;

        // The serializer's and reader's own messages end with "Path: …" or "LineNumber: …", which the location above already says.
        foreach (var marker in (string[])[" Path:", " LineNumber:"])
        {
            var end = message.IndexOf(marker, StringComparison.Ordinal);
            message = end > 0 ? message[..end] : message;
        }

        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return "unknown field.";
        }

        if (message.Contains("could not be converted to", StringComparison.Ordinal))
        {
            return "the value has the wrong JSON type.";
        }

        return message;
    }

    private static string? TopLevelProperty(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return path is not null && path.StartsWith("$['", StringComparison.Ordinal)
                ? path[3..Math.Max(3, path.IndexOf("']", StringComparison.Ordinal))]
                : null;
        }

        var rest = path[2..];
        var end = rest.IndexOfAny(['.', '[']);
        return end < 0 ? rest : rest[..end];
    }
}
