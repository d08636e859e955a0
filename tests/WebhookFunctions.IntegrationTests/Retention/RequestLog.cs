using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace WebhookFunctions.IntegrationTests.Retention;

/// <summary>Records every storage request a client sends, as "METHOD resource" (the last path segment, keys dropped).</summary>
internal sealed class RequestLog : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<string> requests = new();

    public IReadOnlyList<string> Requests => [.. requests];

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message.Request);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message.Request);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(Request request)
    {
        var path = Uri.UnescapeDataString(request.Uri.Path);
        requests.Enqueue($"{request.Method.Method} {path[(path.LastIndexOf('/') + 1)..].Split('(')[0]}");
    }
}
