using Microsoft.AspNetCore.Http;

namespace WebhookFunctions.Http.OpenApi;

/// <summary>
/// GET /api/openapi.json where the document is not generated at run time (the Functions app): the document the
/// self-hosted server generates, kept in this assembly. A test holds it equal to the generated one.
/// </summary>
public sealed class OpenApiDocumentEndpoint
{
    public const string ResourceName = "WebhookFunctions.Http.OpenApi.openapi.json";

    private readonly Lazy<byte[]> document = new(Load);

    /// <summary>The document's UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Utf8 => document.Value;

    public IResult Get() => Results.Bytes(document.Value, "application/json;charset=utf-8");

    private static byte[] Load()
    {
        using var stream = typeof(OpenApiDocumentEndpoint).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The assembly holds no {ResourceName}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
