using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>One request a receiver got: when it arrived, and the status it was answered with (null: the sender hung up first).</summary>
public sealed record Arrival(string Endpoint, string WebhookId, DateTimeOffset ArrivedAt, int? Status)
{
    public bool Succeeded => Status is >= 200 and < 300;
}

/// <summary>How an endpoint answers one request; returns the status written, or null when the sender gave up first.</summary>
public delegate Task<int?> Behaviour(CancellationToken senderGone);

/// <summary>
/// A real Kestrel receiver on 127.0.0.1 whose endpoints answer by behaviour (healthy, failing, hanging, slow, flaky)
/// and record every arrival with the status it ended with, so tests can tell a delivered webhook from a failed one.
/// </summary>
public sealed class BehaviourReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, Behaviour> endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Arrival> arrivals = new();
    private int inFlight;

    private BehaviourReceiver(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyCollection<Arrival> Arrivals => arrivals;

    /// <summary>Requests received and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    public static async Task<BehaviourReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var receiver = new BehaviourReceiver(builder.Build());
        receiver.app.Run(receiver.HandleAsync);
        await receiver.app.StartAsync();
        var address = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.BaseAddress = new Uri(address);
        return receiver;
    }

    public string Endpoint(string name, Behaviour behaviour)
    {
        endpoints[name] = behaviour;
        return new Uri(BaseAddress, "/" + name).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrivedAt = DateTimeOffset.UtcNow;
        Interlocked.Increment(ref inFlight);
        try
        {
            var name = (context.Request.Path.Value ?? "/").TrimStart('/');
            var webhookId = context.Request.Headers["webhook-id"].ToString();
            using var drain = new MemoryStream();
            int? status;
            try
            {
                await context.Request.Body.CopyToAsync(drain, context.RequestAborted);
                status = endpoints.TryGetValue(name, out var behaviour) ? await behaviour(context.RequestAborted) : 404;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
            {
                status = null;
            }

            if (status is { } code && !context.RequestAborted.IsCancellationRequested)
            {
                context.Response.StatusCode = code;
            }
            else
            {
                status = null;
            }

            arrivals.Enqueue(new Arrival(name, webhookId, arrivedAt, status));
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }
}

/// <summary>The behaviours the resilience tests give their endpoints.</summary>
public static class Behaviours
{
    public static Behaviour Healthy { get; } = _ => Task.FromResult<int?>(200);

    public static Behaviour AlwaysFails { get; } = _ => Task.FromResult<int?>(500);

    /// <summary>Never answers; the request ends when the sender times out and hangs up.</summary>
    public static Behaviour Hangs { get; } = async senderGone =>
    {
        await Task.Delay(Timeout.Infinite, senderGone);
        return null;
    };

    /// <summary>Answers 200 after <paramref name="delay"/>.</summary>
    public static Behaviour Slow(TimeSpan delay) => async senderGone =>
    {
        await Task.Delay(delay, senderGone);
        return 200;
    };

    /// <summary>Answers 500 with probability <paramref name="failRate"/>, hangs with <paramref name="hangRate"/>, else 200.</summary>
    public static Behaviour Flaky(double failRate, double hangRate) => async senderGone =>
    {
        var roll = Random.Shared.NextDouble();
        if (roll < failRate)
        {
            return 500;
        }

        return roll < failRate + hangRate ? await Hangs(senderGone) : 200;
    };
}
