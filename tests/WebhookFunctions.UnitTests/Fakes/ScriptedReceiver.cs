using System.Collections.Concurrent;
using System.Net;

namespace WebhookFunctions.UnitTests.Fakes;

/// <summary>An HttpMessageHandler answering each host with a scripted response, recording every request.</summary>
internal sealed class ScriptedReceiver : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Func<HttpRequestMessage, HttpResponseMessage>> answers = new();

    public ConcurrentQueue<(HttpRequestMessage Request, byte[] Body)> Received { get; } = new();

    public void Answer(string host, HttpStatusCode status) => answers[host] = _ => new HttpResponseMessage(status) { Content = new StringContent("answer") };

    public void Answer(string host, Func<HttpRequestMessage, HttpResponseMessage> answer) => answers[host] = answer;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Received.Enqueue((request, body));
        return answers.TryGetValue(request.RequestUri!.Host, out var answer) ? answer(request) : new HttpResponseMessage(HttpStatusCode.OK);
    }
}

internal sealed class SingleHandlerFactory(HttpMessageHandler handler) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
}
