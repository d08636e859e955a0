using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using WebhookFunctions.Testing.Waiting;

namespace WebhookFunctions.Testing.Receivers;

/// <summary>
/// A real Kestrel receiver on 127.0.0.1 (port 0, the bound one read back). Each endpoint is a path that answers from
/// its script (the queued answers in order, then its lasting answer), checks every request's signatures against the
/// secrets it trusts, as a receiver does, and records the request.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ScriptedEndpoint> endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Arrival> arrivals = new();
    private readonly ConcurrentDictionary<string, string> sendersByConnection = new(StringComparer.Ordinal);
    private readonly WebApplication app;
    private readonly Func<IPEndPoint, string?>? identifySender;
    private int inFlight;

    private WebhookReceiver(WebApplication app, Func<IPEndPoint, string?>? identifySender)
    {
        this.app = app;
        this.identifySender = identifySender;
        // Every method: a sender that followed a redirect with a GET would be seen too.
        app.Map("/{name}", ReceiveAsync);
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <param name="identifySender">
    /// Who sent a request, from the remote end of its connection; asked once per connection, while it is open, and
    /// kept as each of its arrivals' <see cref="Arrival.Sender"/>.
    /// </param>
    public static async Task<WebhookReceiver> StartAsync(Func<IPEndPoint, string?>? identifySender = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var receiver = new WebhookReceiver(builder.Build(), identifySender);
        await receiver.app.StartAsync();
        receiver.BaseAddress = new Uri(receiver.app.Urls.Single());
        return receiver;
    }

    /// <summary>A new endpoint's URL (any method): it answers <paramref name="first"/> in order, then <paramref name="lasting"/> (200 when null).</summary>
    public string Endpoint(string name, Answer? lasting = null, params Answer[] first)
    {
        if (!endpoints.TryAdd(name, new ScriptedEndpoint(first, lasting ?? Answer.Status(200))))
        {
            throw new InvalidOperationException($"The endpoint {name} exists already.");
        }

        return new Uri(BaseAddress, name).ToString();
    }

    /// <summary>From now on the endpoint also accepts signatures made with <paramref name="secret"/>.</summary>
    public void Trust(string name, string secret) => EndpointNamed(name).Trust(secret);

    /// <summary>From now on the endpoint answers <paramref name="answer"/>, once its queued answers are used (e.g. a receiver that heals).</summary>
    public void AnswerFromNowOn(string name, Answer answer) => EndpointNamed(name).AnswerFromNowOn(answer);

    /// <summary>Every request answered or given up by its sender so far, at every endpoint, with the status it ended with.</summary>
    public IReadOnlyCollection<Arrival> Arrivals => arrivals;

    /// <summary>Requests received and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Requests received so far, at every endpoint.</summary>
    public int Count => endpoints.Values.Sum(endpoint => endpoint.Received.Count);

    public IReadOnlyList<ReceivedWebhook> At(string name) => EndpointNamed(name).Received.ToList();

    /// <summary>Waits for <paramref name="count"/> requests at the endpoint and returns all it has.</summary>
    public Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string name, int count, TimeSpan? patience = null) =>
        Eventually.ValueAsync(
            () => Task.FromResult(At(name)),
            received => received.Count >= count,
            received => $"{count} request(s) at {name}; it has {received.Count}",
            patience);

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(stopping.Token);
        await app.DisposeAsync();
    }

    private ScriptedEndpoint EndpointNamed(string name) =>
        endpoints.TryGetValue(name, out var endpoint) ? endpoint : throw new KeyNotFoundException($"No endpoint {name}.");

    private async Task ReceiveAsync(HttpContext context, string name)
    {
        if (!endpoints.TryGetValue(name, out var endpoint))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var arrivedAt = DateTimeOffset.UtcNow;
        var sender = SenderOf(context.Connection);
        Interlocked.Increment(ref inFlight);
        try
        {
            var status = await AnswerAsync(context, endpoint, name, arrivedAt);
            arrivals.Enqueue(new Arrival(name, context.Request.Headers["webhook-id"].ToString(), arrivedAt, DateTimeOffset.UtcNow, status, sender));
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    /// <summary>The sender of the connection, asked once per connection; an unknown sender is asked again on its next request.</summary>
    private string? SenderOf(ConnectionInfo connection)
    {
        if (identifySender is null || connection.RemoteIpAddress is null)
        {
            return null;
        }

        if (sendersByConnection.TryGetValue(connection.Id, out var known))
        {
            return known;
        }

        var sender = identifySender(new IPEndPoint(connection.RemoteIpAddress, connection.RemotePort));
        if (sender is not null)
        {
            sendersByConnection[connection.Id] = sender;
        }

        return sender;
    }

    /// <summary>Records the request, answers it, and returns the status it ended with (null: the sender hung up first).</summary>
    private static async Task<int?> AnswerAsync(HttpContext context, ScriptedEndpoint endpoint, string name, DateTimeOffset arrivedAt)
    {
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var body = buffer.ToArray();
            var headers = context.Request.Headers;
            endpoint.Received.Enqueue(new ReceivedWebhook(
                name,
                context.Request.Method,
                headers.ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value.ToString(), StringComparer.Ordinal),
                body,
                arrivedAt,
                endpoint.Trusted.Where(secret => Verifies(secret, body, headers)).ToList()));

            await endpoint.NextAnswer().WriteAsync(context, body);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or BadHttpRequestException)
        {
            return null;
        }

        return context.RequestAborted.IsCancellationRequested ? null : context.Response.StatusCode;
    }

    /// <summary>
    /// The Standard Webhooks check a receiver makes: one of the signatures is this secret's, and the timestamp is
    /// recent. Each signature is handed to the verifier alone: StandardWebhooks 1.1.2 stops after the first of a
    /// space-separated list, and during a rotation there are two.
    /// </summary>
    private static bool Verifies(string secret, byte[] body, IHeaderDictionary headers)
    {
        var verifier = new StandardWebhook(secret);
        var payload = System.Text.Encoding.UTF8.GetString(body);
        return headers["webhook-signature"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(signature =>
        {
            try
            {
                verifier.Verify(payload, new HeaderDictionary
                {
                    ["webhook-id"] = headers["webhook-id"],
                    ["webhook-timestamp"] = headers["webhook-timestamp"],
                    ["webhook-signature"] = signature,
                });
                return true;
            }
            catch (WebhookVerificationException)
            {
                return false;
            }
        });
    }

    private sealed class ScriptedEndpoint(IEnumerable<Answer> first, Answer lasting)
    {
        private readonly ConcurrentQueue<Answer> script = new(first);
        private ImmutableList<string> trusted = [];
        private Answer lasting = lasting;

        public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

        public IReadOnlyList<string> Trusted => Volatile.Read(ref trusted);

        public void Trust(string secret) => ImmutableInterlocked.Update(ref trusted, list => list.Add(secret));

        public void AnswerFromNowOn(Answer answer) => Volatile.Write(ref lasting, answer);

        public Answer NextAnswer() => script.TryDequeue(out var next) ? next : Volatile.Read(ref lasting);
    }
}
