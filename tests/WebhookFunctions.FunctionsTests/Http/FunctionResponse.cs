using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace WebhookFunctions.FunctionsTests.Http;

/// <summary>What an executed function result wrote to the response.</summary>
internal sealed record FunctionResponse(int StatusCode, IHeaderDictionary Headers, string Body)
{
    public string? ContentType => Headers.ContentType.ToString() is { Length: > 0 } type ? type.Split(';')[0] : null;

    public static FunctionResponse From(HttpResponse response)
    {
        response.Body.Position = 0;
        using var reader = new StreamReader(response.Body, Encoding.UTF8, leaveOpen: true);
        return new FunctionResponse(response.StatusCode, response.Headers, reader.ReadToEnd());
    }

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"{StatusCode} {ContentType}: {Body}";
}
