using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using WebhookFunctions.Development;

namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>
/// Counts every request the storage clients send (retries included), by kind: queue send/receive/delete/update,
/// table write/batch/read/delete, blob; a table batch also by the table it writes to (named in its body, not its
/// address). Added to the server's clients as a <c>StoragePipelinePolicy</c>.
/// </summary>
internal sealed partial class StorageOperationCounter(AzuritePorts ports) : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(counts, StringComparer.Ordinal);

    public override void OnSendingRequest(HttpMessage message) => Count(message.Request);

    /// <summary>The operations of each kind made between two snapshots.</summary>
    public static Dictionary<string, long> Difference(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key), StringComparer.Ordinal);

    private void Count(Request request) => counts.AddOrUpdate(KindOf(request), 1, (_, n) => n + 1);

    private string KindOf(Request request)
    {
        var port = request.Uri.Port;
        var method = request.Method.Method;
        var path = request.Uri.Path;
        if (port == ports.Queue)
        {
            var onMessage = path.Contains("/messages/", StringComparison.Ordinal);
            return (method, onMessage) switch
            {
                ("POST", false) => OperationKinds.QueueSend,
                ("GET", false) => OperationKinds.QueueReceive,
                ("DELETE", true) => OperationKinds.QueueDelete,
                ("PUT", true) => OperationKinds.QueueUpdate,
                _ => OperationKinds.QueueOther,
            };
        }

        if (port == ports.Table)
        {
            return method switch
            {
                "POST" when path.EndsWith("$batch", StringComparison.Ordinal) => $"{OperationKinds.TableBatch} ({BatchTableOf(request)})",
                "POST" or "PUT" or "PATCH" or "MERGE" => OperationKinds.TableWrite,
                "GET" when IsFullSubscriptionsRead(request) => OperationKinds.SubscriptionsFullRead,
                "GET" => OperationKinds.TableRead,
                _ => OperationKinds.TableOther,
            };
        }

        return OperationKinds.Blob;
    }

    /// <summary>The table a transaction writes to, without the run's name prefix: the path of its first operation.</summary>
    private static string BatchTableOf(Request request)
    {
        using var body = new MemoryStream();
        request.Content?.WriteTo(body, CancellationToken.None);
        var match = BatchOperationTable().Match(Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length));
        var table = match.Success ? match.Groups["table"].Value : "?";
        return TableNames.FirstOrDefault(name => table.EndsWith(name, StringComparison.Ordinal)) ?? table;
    }

    private static readonly string[] TableNames = ["subscriptiondeliveries", "deliveryattempts", "subscriptions", "events", "expiry", "idempotency", "deadletters", "poisonmessages"];

    [GeneratedRegex(@"^(?:POST|PUT|PATCH|MERGE|DELETE) \S*/(?<table>[A-Za-z0-9]+)(?:\(|\s)", RegexOptions.Multiline)]
    private static partial Regex BatchOperationTable();

    /// <summary>A query over the subscriptions' own partition: a page of a read of every subscription (or of the paged listing).</summary>
    private static bool IsFullSubscriptionsRead(Request request) =>
        request.Uri.Path.Contains("subscriptions()", StringComparison.Ordinal)
        && Uri.UnescapeDataString(request.Uri.Query).Contains("PartitionKey eq 'subscription'", StringComparison.Ordinal);
}

internal static class OperationKinds
{
    public const string QueueSend = "queue send";
    public const string QueueReceive = "queue receive";
    public const string QueueDelete = "queue delete";
    public const string QueueUpdate = "queue update";
    public const string QueueOther = "queue other";
    public const string TableWrite = "table write";
    public const string TableBatch = "table batch";
    public const string TableRead = "table read";
    public const string SubscriptionsFullRead = "table read: subscriptions partition page";
    public const string TableOther = "table other";
    public const string Blob = "blob";
}
