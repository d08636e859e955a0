using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace WebhookFunctions.IntegrationTests.Retention;

/// <summary>Records every storage request a client sends, as "METHOD resource" (the last path segment, keys dropped).</summary>
internal sealed class RequestLog : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<string> requests = new();

    public IReadOnlyList<string> Requests => [.. requests];

    public override void OnSendingRequest(HttpMessage message) => Record(message.Request);

    private void Record(Request request)
    {
        var path = Uri.UnescapeDataString(request.Uri.Path);
        requests.Enqueue($"{request.Method.Method} {path[(path.LastIndexOf('/') + 1)..].Split('(')[0]}");
    }
}
