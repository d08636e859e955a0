using System.Text.Json;
using System.Text.Json.Serialization;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Storage.Tables;

/// <summary>Lists and dictionaries stored as JSON string properties.</summary>
internal static class TableJson
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, typeof(T), TableJsonContext.Default);

    public static T Deserialize<T>(string? json, string property)
    {
        var value = json is null ? default : (T?)JsonSerializer.Deserialize(json, typeof(T), TableJsonContext.Default);
        return value ?? throw new InvalidDataException($"The stored property '{property}' is missing or not valid JSON.");
    }
}

internal sealed record StoredSecret(string Value, DateTimeOffset? ExpiresAt)
{
    public static StoredSecret From(SigningSecret secret) => new(secret.Value, secret.ExpiresAt);

    public SigningSecret ToSecret() => new(Value, ExpiresAt);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<StoredSecret>))]
internal sealed partial class TableJsonContext : JsonSerializerContext;
