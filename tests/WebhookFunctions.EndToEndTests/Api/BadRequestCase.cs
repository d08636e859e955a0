using System.Net;
using System.Text;

namespace WebhookFunctions.EndToEndTests.Api;

/// <summary>
/// One request that must be refused: the route it targets (as the contract names it), the request, and the answer
/// expected. <see cref="Path"/> and header values may name seeded data as {subscription}, {event} or {etag}.
/// </summary>
public sealed record BadRequestCase(string Name, string Route, string Method, string Path, HttpStatusCode Expected, string? ErrorField = null)
{
    /// <summary>The body, generated when the case is sent (some are megabytes); null: no body.</summary>
    public Func<byte[]>? Body { get; init; }

    /// <summary>The Content-Type sent with <see cref="Body"/>; null: none.</summary>
    public string? ContentType { get; init; } = "application/json";

    /// <summary>
    /// Send through <see cref="RawHttpExchange"/>: each header on its own line (a header given twice stays two lines)
    /// and the body chunked, without a Content-Length.
    /// </summary>
    public bool Raw { get; init; }

    /// <summary>The API key sent in x-functions-key; null: none.</summary>
    public string? Key { get; init; } = BadRequestCorpus.ValidKey;

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public override string ToString() => $"{Route}: {Name}";

    public static Func<byte[]> Json(string json) => () => Encoding.UTF8.GetBytes(json);
}

/// <summary>Real data in the server's stores that the corpus aims at (valid ids and a valid ETag).</summary>
public sealed record SeededData(string SubscriptionId, string EventId, string ETagHeader, string SubscriptionsContinuationToken)
{
    public string Fill(string template) => template
        .Replace("{subscription}", SubscriptionId, StringComparison.Ordinal)
        .Replace("{event}", EventId, StringComparison.Ordinal)
        .Replace("{etag}", ETagHeader, StringComparison.Ordinal)
        .Replace("{subscriptionsToken}", Uri.EscapeDataString(SubscriptionsContinuationToken), StringComparison.Ordinal);
}
