using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WebhookFunctions.Testing.Http;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>
/// A real Kestrel receiver on 127.0.0.1: each endpoint answers with the statuses scripted for it, one per request,
/// then with its lasting status; every request is recorded.
/// </summary>
internal sealed class ScriptedReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ScriptedEndpoint> endpoints = new(StringComparer.Ordinal);
    private TestReceiver receiver = null!;

    public static async Task<ScriptedReceiver> StartAsync()
    {
        var scripted = new ScriptedReceiver();
        scripted.receiver = await TestReceiver.StartAsync(app => app.MapPost("/{name}", scripted.AnswerAsync));
        return scripted;
    }

    /// <summary>A new endpoint's URL: it answers <paramref name="firstAnswers"/> in order, then <paramref name="lasting"/>.</summary>
    public string Endpoint(string name, int lasting = 200, params int[] firstAnswers)
    {
        endpoints[name] = new ScriptedEndpoint(new ConcurrentQueue<int>(firstAnswers), lasting);
        return receiver.Url(name).ToString();
    }

    /// <summary>A new endpoint's URL: it answers 200 to each request after <paramref name="delay"/>, as a slow receiver does.</summary>
    public string SlowEndpoint(string name, TimeSpan delay)
    {
        endpoints[name] = new ScriptedEndpoint(new ConcurrentQueue<int>(), 200) { Delay = delay };
        return receiver.Url(name).ToString();
    }

    /// <summary>From now on the endpoint answers <paramref name="status"/>.</summary>
    public void Heal(string name, int status) => endpoints[name].Lasting = status;

    public IReadOnlyList<ReceivedRequest> At(string name) => endpoints[name].Received.ToList();

    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(string name, int count)
    {
        await Eventually.HoldsAsync(() => At(name).Count >= count, $"{count} request(s) at {name}");
        return At(name);
    }

    public ValueTask DisposeAsync() => receiver.DisposeAsync();

    private async Task AnswerAsync(HttpContext context, string name)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (!endpoints.TryGetValue(name, out var endpoint))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (endpoint.Delay > TimeSpan.Zero)
        {
            await Task.Delay(endpoint.Delay, context.RequestAborted);
        }

        endpoint.Received.Enqueue(new ReceivedRequest(
            context.Request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray()));
        context.Response.StatusCode = endpoint.Script.TryDequeue(out var status) ? status : endpoint.Lasting;
    }

    private sealed class ScriptedEndpoint(ConcurrentQueue<int> script, int lasting)
    {
        public ConcurrentQueue<int> Script => script;

        public int Lasting { get; set; } = lasting;

        public TimeSpan Delay { get; init; }

        public ConcurrentQueue<ReceivedRequest> Received { get; } = new();
    }
}

internal sealed record ReceivedRequest(IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No {name} header.");
}
