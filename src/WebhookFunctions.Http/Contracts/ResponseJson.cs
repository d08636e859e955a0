using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace WebhookFunctions.Http.Contracts;

/// <summary>
/// How responses are written: the API context's contracts, escaping only what JSON requires. The default encoder
/// escapes HTML-sensitive ASCII (+, ', ", &lt;), which turns a secret like "whsec_…+5ja…" into "\u002B5ja" when copied
/// from curl; API responses are never embedded in HTML, so the relaxed encoder is safe here.
/// </summary>
internal static class ResponseJson
{
    private static readonly ApiJsonContext Relaxed = new(new JsonSerializerOptions(ApiJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>The relaxed-encoding twin of <paramref name="type"/>.</summary>
    public static JsonTypeInfo<T> For<T>(JsonTypeInfo<T> type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return (JsonTypeInfo<T>)Relaxed.GetTypeInfo(type.Type)!;
    }
}
