using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>
/// A minimal Kestrel receiver on 127.0.0.1: every POST is read to the end and answered 200 with no body. It notes when
/// each (webhook-id, path) first arrived, so publish→delivery latency can be measured in this process. Two paths stand
/// for broken endpoints: under <see cref="HangingPrefix"/> a request is held until the caller gives up, under
/// <see cref="FailingPrefix"/> it is answered 500; neither counts as an arrival.
/// </summary>
internal sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<(string Id, string Path), long> firstArrivals = new();
    public const string HangingPrefix = "/broken/hang/";
    public const string FailingPrefix = "/broken/fail/";
    private long requests;
    private long brokenRequests;

    private LoopbackReceiver(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public long Requests => Interlocked.Read(ref requests);

    /// <summary>Requests to the hanging and failing paths.</summary>
    public long BrokenRequests => Interlocked.Read(ref brokenRequests);

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxConcurrentConnections = null);
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.MapPost("/{**path}", (Delegate)receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Urls.Single());
        return receiver;
    }

    /// <summary>When each webhook of these paths first arrived (Stopwatch timestamps), keyed by (webhook-id, path).</summary>
    public IReadOnlyDictionary<(string Id, string Path), long> ArrivalsUnder(string pathPrefix) =>
        firstArrivals.Where(a => a.Key.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToDictionary(a => a.Key, a => a.Value);

    public int CountUnder(string pathPrefix) => firstArrivals.Keys.Count(k => k.Path.StartsWith(pathPrefix, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        var path = context.Request.Path.Value ?? "";
        if (path.StartsWith(HangingPrefix, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref brokenRequests);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The delivery attempt timed out and the client went away: what a hanging endpoint is for.
            }

            return Results.Empty;
        }

        if (path.StartsWith(FailingPrefix, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref brokenRequests);
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }

        var body = context.Request.Body;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (await body.ReadAsync(buffer) > 0)
            {
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        Interlocked.Increment(ref requests);
        if (context.Request.Headers["webhook-id"] is [{ } id])
        {
            firstArrivals.TryAdd((id, path), arrived);
        }

        return Results.Ok();
    }
}
