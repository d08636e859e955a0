using WebhookFunctions.Engine.Delivery.Egress;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Testing.Http;

namespace WebhookFunctions.UnitTests.Delivery;

public sealed class WebhookSenderTests : IDisposable
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\",\"type\":\"order.created\",\"data\":{\"note\":\"café\"}}");

    private readonly List<ServiceProvider> providers = [];

    public void Dispose()
    {
        foreach (var provider in providers)
        {
            provider.Dispose();
        }
    }

    [Fact]
    public async Task A_post_carries_the_body_as_json_with_the_given_headers()
    {
        var received = new TaskCompletionSource<(string ContentType, string Body, Dictionary<string, string> Headers)>();
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            // Kestrel reuses its header collection once the request ends: keep a copy.
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            received.SetResult((request.ContentType!, await reader.ReadToEndAsync(), headers));
            return Results.NoContent();
        }));
        var sender = CreateSender();

        var result = await sender.SendAsync(
            new WebhookRequest(receiver.Url("/hooks"), Body, [new("webhook-id", "evt_1"), new("X-Team", "billing"), new("user-agent", "WebhookFunctions/1.0")]),
            CancellationToken.None);

        Assert.Equal(204, result.StatusCode);
        Assert.Null(result.Error);
        var (contentType, body, headers) = await received.Task;
        Assert.Equal("application/json", contentType);
        Assert.Equal(Encoding.UTF8.GetString(Body), body);
        Assert.Equal("evt_1", headers["webhook-id"]);
        Assert.Equal("billing", headers["X-Team"]);
        Assert.Equal("WebhookFunctions/1.0", headers["User-Agent"]);
    }

    [Fact]
    public async Task Only_the_first_bytes_of_the_response_body_up_to_the_limit_are_kept()
    {
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/hooks", () => Results.Text(new string('a', 100_000))));
        var sender = CreateSender(options => options.ResponseBodyLimit = 100);

        var result = await sender.SendAsync(Request(receiver.Url("/hooks")), CancellationToken.None);

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(new string('a', 100), result.ResponseBody);
        Assert.True(result.Duration > TimeSpan.Zero);
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task A_character_cut_by_the_limit_is_dropped_whole()
    {
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/hooks", () => Results.Text("ééé")));
        var sender = CreateSender(options => options.ResponseBodyLimit = 5);

        var result = await sender.SendAsync(Request(receiver.Url("/hooks")), CancellationToken.None);

        Assert.Equal("éé", result.ResponseBody);
    }

    [Fact]
    public async Task An_empty_response_body_is_kept_as_null()
    {
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/hooks", () => Results.Ok()));

        var result = await CreateSender().SendAsync(Request(receiver.Url("/hooks")), CancellationToken.None);

        Assert.Equal(200, result.StatusCode);
        Assert.Null(result.ResponseBody);
    }

    [Fact]
    public async Task A_503_with_retry_after_reports_the_status_body_and_delay()
    {
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/hooks", (HttpResponse response) =>
        {
            response.Headers.RetryAfter = "120";
            return Results.Text("busy", statusCode: 503);
        }));

        var result = await CreateSender().SendAsync(Request(receiver.Url("/hooks")), CancellationToken.None);

        Assert.Equal(503, result.StatusCode);
        Assert.Null(result.Error);
        Assert.Equal("busy", result.ResponseBody);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_times_out()
    {
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/hooks", async (HttpContext context) =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }));
        var sender = CreateSender(options => options.AttemptTimeout = TimeSpan.FromMilliseconds(300));

        var result = await sender.SendAsync(Request(receiver.Url("/hooks")), CancellationToken.None);

        Assert.Null(result.StatusCode);
        Assert.Equal(SendErrors.Timeout, result.Error);
        Assert.True(result.Duration >= TimeSpan.FromMilliseconds(250), $"timed out after {result.Duration}");
    }

    [Fact]
    public async Task The_attempt_timeout_runs_on_the_given_clock()
    {
        var arrived = new TaskCompletionSource();
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/hooks", async (HttpContext context) =>
        {
            arrived.SetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }));
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var sender = CreateSender(options => options.AttemptTimeout = TimeSpan.FromSeconds(15), time);

        var sending = sender.SendAsync(Request(receiver.Url("/hooks")), CancellationToken.None);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(sending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(15));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(SendErrors.Timeout, result.Error);
        Assert.Equal(TimeSpan.FromSeconds(15), result.Duration);
    }

    [Fact]
    public async Task A_status_that_arrived_before_the_body_stalled_is_kept_with_the_body_so_far()
    {
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/hooks", async (HttpContext context) =>
        {
            context.Response.StatusCode = 200;
            await context.Response.WriteAsync("partial", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }));
        var sender = CreateSender(options => options.AttemptTimeout = TimeSpan.FromMilliseconds(500));

        var result = await sender.SendAsync(Request(receiver.Url("/hooks")), CancellationToken.None);

        Assert.Equal(200, result.StatusCode);
        Assert.Null(result.Error);
        Assert.Equal("partial", result.ResponseBody);
    }

    [Fact]
    public async Task The_callers_cancellation_is_thrown_not_reported_as_a_timeout()
    {
        var arrived = new TaskCompletionSource();
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/hooks", async (HttpContext context) =>
        {
            arrived.SetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }));
        var sender = CreateSender(options => options.AttemptTimeout = TimeSpan.FromSeconds(30));
        using var shutdown = new CancellationTokenSource();

        var sending = sender.SendAsync(Request(receiver.Url("/hooks")), shutdown.Token);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await shutdown.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
    }

    [Fact]
    public async Task A_closed_port_is_reported_as_connection_refused()
    {
        using var closed = BoundButNotListening();
        var port = ((IPEndPoint)closed.LocalEndPoint!).Port;

        var result = await CreateSender().SendAsync(Request(new Uri($"http://127.0.0.1:{port}/hooks")), CancellationToken.None);

        Assert.Null(result.StatusCode);
        Assert.Equal(SendErrors.ConnectionRefused, result.Error);
    }

    [Fact]
    public async Task A_tls_handshake_with_a_plain_http_server_is_reported_as_a_tls_failure()
    {
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/hooks", () => Results.Ok()));
        var httpsUrl = new UriBuilder(receiver.Url("/hooks")) { Scheme = "https" }.Uri;

        var result = await CreateSender().SendAsync(Request(httpsUrl), CancellationToken.None);

        Assert.Null(result.StatusCode);
        Assert.Equal(SendErrors.TlsFailure, result.Error);
    }

    [Fact]
    public async Task A_redirect_is_reported_and_not_followed()
    {
        var targetHits = 0;
        await using var receiver = await TestReceiver.StartAsync(app =>
        {
            app.MapPost("/hooks", () => Results.Redirect("/moved"));
            app.MapMethods("/moved", ["GET", "POST"], () =>
            {
                Interlocked.Increment(ref targetHits);
                return Results.Ok();
            });
        });

        var result = await CreateSender().SendAsync(Request(receiver.Url("/hooks")), CancellationToken.None);

        Assert.Equal(302, result.StatusCode);
        Assert.Equal(0, Volatile.Read(ref targetHits));
    }

    [Theory]
    [InlineData("value\r\nX-Injected: yes")]
    [InlineData("value\nX-Injected: yes")]
    [InlineData("nul\0")]
    public async Task A_header_value_with_a_line_break_is_not_sent(string value)
    {
        var hits = 0;
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/hooks", () =>
        {
            Interlocked.Increment(ref hits);
            return Results.Ok();
        }));

        var result = await CreateSender().SendAsync(
            new WebhookRequest(receiver.Url("/hooks"), Body, [new("X-Team", value)]),
            CancellationToken.None);

        Assert.Equal(SendErrors.InvalidHeader, result.Error);
        Assert.Null(result.StatusCode);
        Assert.Equal(0, Volatile.Read(ref hits));
    }

    [Fact]
    public async Task A_header_name_that_is_not_a_token_is_not_sent()
    {
        var result = await CreateSender().SendAsync(
            new WebhookRequest(new Uri("http://127.0.0.1:1/"), Body, [new("X Team", "v")]),
            CancellationToken.None);

        Assert.Equal(SendErrors.InvalidHeader, result.Error);
    }

    [Fact]
    public async Task A_loopback_receiver_is_blocked_unless_the_allow_list_names_it()
    {
        await using var receiver = await TestReceiver.StartAsync(app => app.MapPost("/blocked", () => Results.Ok()));
        var sender = CreateSender(allowLoopback: false);

        var result = await sender.SendAsync(Request(receiver.Url("/blocked")), CancellationToken.None);

        Assert.Null(result.StatusCode);
        Assert.Equal(SendErrors.DestinationBlocked, result.Error);
        Assert.Equal(Engine.DeadLetters.DeadLetterReason.DestinationBlocked, OutcomeClassifier.Classify(result).Reason);
    }

    private static WebhookRequest Request(Uri url) => new(url, Body, []);

    private WebhookSender CreateSender(Action<DeliveryOptions>? configure = null, TimeProvider? timeProvider = null, bool allowLoopback = true)
    {
        var services = new ServiceCollection();
        services.Configure<DeliveryOptions>(options => configure?.Invoke(options));
        services.Configure<EgressOptions>(options => options.AllowedNetworks = allowLoopback ? ["127.0.0.0/8"] : []);
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        services.AddWebhookHttpClient();
        var provider = services.BuildServiceProvider();
        providers.Add(provider);
        return provider.GetRequiredService<WebhookSender>();
    }

    /// <summary>A port that refuses connections for as long as the socket lives: bound (so nobody else gets it) but not listening.</summary>
    private static Socket BoundButNotListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
