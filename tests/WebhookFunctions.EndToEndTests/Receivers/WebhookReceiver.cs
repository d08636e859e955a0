using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebhookFunctions.EndToEndTests.Receivers;

/// <summary>
/// A real Kestrel receiver on 127.0.0.1. Each path (one per endpoint in a test) answers from its script:
/// queued answers first, then the default answer. Every request is recorded.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ScriptedEndpoint> endpoints = new();
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();

    private WebhookReceiver(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyCollection<ReceivedWebhook> Received => received;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var receiver = new WebhookReceiver(builder.Build());
        receiver.app.Run(receiver.HandleAsync);
        await receiver.app.StartAsync();
        var address = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.BaseAddress = new Uri(address);
        return receiver;
    }

    /// <summary>The URL of a new endpoint answering <paramref name="defaultAnswer"/> after any queued answers.</summary>
    public string Endpoint(string name, Answer? defaultAnswer = null, params Answer[] first)
    {
        endpoints[name] = new ScriptedEndpoint(new ConcurrentQueue<Answer>(first), defaultAnswer ?? Answer.Status(200));
        return new Uri(BaseAddress, "/" + name).ToString();
    }

    /// <summary>Changes what an endpoint answers from now on (e.g. a receiver that heals).</summary>
    public void Heal(string name, Answer answer) => endpoints[name] = new ScriptedEndpoint(new ConcurrentQueue<Answer>(), answer);

    public IReadOnlyList<ReceivedWebhook> At(string name) => received.Where(r => r.Path == "/" + name).ToList();

    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string name, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var got = At(name);
            if (got.Count >= count)
            {
                return got;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Endpoint {name} got {At(name).Count} of {count} webhooks within {timeout}.");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var path = context.Request.Path.Value ?? "/";
        received.Enqueue(new ReceivedWebhook(
            path,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            buffer.ToArray(),
            DateTimeOffset.UtcNow));

        var answer = endpoints.TryGetValue(path.TrimStart('/'), out var endpoint)
            ? endpoint.Queued.TryDequeue(out var next) ? next : endpoint.Default
            : Answer.Status(404);
        await answer.WriteAsync(context);
    }

    private sealed record ScriptedEndpoint(ConcurrentQueue<Answer> Queued, Answer Default);
}

/// <summary>What a receiver endpoint answers.</summary>
public sealed class Answer
{
    private readonly Func<HttpContext, Task> write;

    private Answer(Func<HttpContext, Task> write) => this.write = write;

    public static Answer Status(int status, string? body = null) => new(async context =>
    {
        context.Response.StatusCode = status;
        if (body is not null)
        {
            await context.Response.WriteAsync(body);
        }
    });

    public static Answer RetryAfter(int status, int seconds) => new(context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    });

    /// <summary>Never answers until the client gives up.</summary>
    public static Answer Hang { get; } = new(async context =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The sender timed out and closed the connection.
        }
    });

    public Task WriteAsync(HttpContext context) => write(context);
}
