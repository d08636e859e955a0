using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace WebhookFunctions.IntegrationTests.SubscriptionIndex;

/// <summary>
/// Counts the table requests a client sends (retries included), by what they read: a point read of one subscription,
/// a query of an index partition, anything else by method.
/// </summary>
internal sealed class TableRequestCounter : HttpPipelineSynchronousPolicy
{
    public const string SubscriptionPointRead = "subscription point read";
    public const string IndexQuery = "index partition query";

    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(counts, StringComparer.Ordinal);

    public void Reset() => counts.Clear();

    public override void OnSendingRequest(HttpMessage message) => Count(message.Request);

    private void Count(Request request) => counts.AddOrUpdate(KindOf(request), 1, (_, n) => n + 1);

    private static string KindOf(Request request)
    {
        var path = Uri.UnescapeDataString(request.Uri.Path);
        var query = Uri.UnescapeDataString(request.Uri.Query);
        return request.Method.Method switch
        {
            "GET" when path.Contains("(PartitionKey='subscription',RowKey=", StringComparison.Ordinal) => SubscriptionPointRead,
            "GET" when query.Contains("PartitionKey eq 'ix|", StringComparison.Ordinal) => IndexQuery,
            var method => $"{method} {path[(path.LastIndexOf('/') + 1)..].Split('(')[0]}",
        };
    }
}
