using WebhookFunctions.Engine.Delivery.Egress;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Testing.Receivers;

namespace WebhookFunctions.UnitTests.Delivery;

public sealed class WebhookSenderTests : IAsyncLifetime
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\",\"type\":\"order.created\",\"data\":{\"note\":\"café\"}}");

    private readonly List<ServiceProvider> providers = [];
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        foreach (var provider in providers)
        {
            provider.Dispose();
        }
    }

    [Fact]
    public async Task A_post_carries_the_body_as_json_with_the_given_headers()
    {
        var url = Hooks(Answer.Status(204));
        var sender = CreateSender();

        var result = await sender.SendAsync(
            new WebhookRequest(url, Body, [new("webhook-id", "evt_1"), new("X-Team", "billing"), new("user-agent", "WebhookFunctions/1.0")]),
            CancellationToken.None);

        Assert.Equal(204, result.StatusCode);
        Assert.Null(result.Error);
        var received = Assert.Single(receiver.At("hooks"));
        Assert.Equal(("POST", "application/json"), (received.Method, received.Header("content-type")));
        Assert.Equal(Encoding.UTF8.GetString(Body), received.BodyText);
        Assert.Equal("evt_1", received.Header("webhook-id"));
        Assert.Equal("billing", received.Header("x-team"));
        Assert.Equal("WebhookFunctions/1.0", received.Header("user-agent"));
    }

    [Fact]
    public async Task Only_the_first_bytes_of_the_response_body_up_to_the_limit_are_kept()
    {
        var url = Hooks(Answer.Status(200, new string('a', 100_000)));
        var sender = CreateSender(options => options.ResponseBodyLimit = 100);

        var result = await sender.SendAsync(Request(url), CancellationToken.None);

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(new string('a', 100), result.ResponseBody);
        Assert.True(result.Duration > TimeSpan.Zero);
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task A_character_cut_by_the_limit_is_dropped_whole()
    {
        var url = Hooks(Answer.Status(200, "ééé"));
        var sender = CreateSender(options => options.ResponseBodyLimit = 5);

        var result = await sender.SendAsync(Request(url), CancellationToken.None);

        Assert.Equal("éé", result.ResponseBody);
    }

    [Fact]
    public async Task An_empty_response_body_is_kept_as_null()
    {
        var url = Hooks(Answer.Status(200));

        var result = await CreateSender().SendAsync(Request(url), CancellationToken.None);

        Assert.Equal(200, result.StatusCode);
        Assert.Null(result.ResponseBody);
    }

    [Fact]
    public async Task A_503_with_retry_after_reports_the_status_body_and_delay()
    {
        var url = Hooks(Answer.With(context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "120";
            return context.Response.WriteAsync("busy");
        }));

        var result = await CreateSender().SendAsync(Request(url), CancellationToken.None);

        Assert.Equal(503, result.StatusCode);
        Assert.Null(result.Error);
        Assert.Equal("busy", result.ResponseBody);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_times_out()
    {
        var url = Hooks(Answer.Hang);
        var sender = CreateSender(options => options.AttemptTimeout = TimeSpan.FromMilliseconds(300));

        var result = await sender.SendAsync(Request(url), CancellationToken.None);

        Assert.Null(result.StatusCode);
        Assert.Equal(SendErrors.Timeout, result.Error);
        Assert.True(result.Duration >= TimeSpan.FromMilliseconds(250), $"timed out after {result.Duration}");
    }

    [Fact]
    public async Task The_attempt_timeout_runs_on_the_given_clock()
    {
        var url = Hooks(Answer.Hang);
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var sender = CreateSender(options => options.AttemptTimeout = TimeSpan.FromSeconds(15), time);

        var sending = sender.SendAsync(Request(url), CancellationToken.None);
        await receiver.WaitForAsync("hooks", 1, TimeSpan.FromSeconds(10));
        Assert.False(sending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(15));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(SendErrors.Timeout, result.Error);
        Assert.Equal(TimeSpan.FromSeconds(15), result.Duration);
    }

    [Fact]
    public async Task A_status_that_arrived_before_the_body_stalled_is_kept_with_the_body_so_far()
    {
        var url = Hooks(Answer.With(async context =>
        {
            context.Response.StatusCode = 200;
            await context.Response.WriteAsync("partial", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Answer.Hang.WriteAsync(context, []);
        }));

        // Long enough for the status and the first bytes to arrive on a loaded machine (500 ms did not always suffice);
        // the attempt still ends by this timeout, since the body never completes.
        var sender = CreateSender(options => options.AttemptTimeout = TimeSpan.FromSeconds(5));

        var result = await sender.SendAsync(Request(url), CancellationToken.None);

        Assert.Equal(200, result.StatusCode);
        Assert.Null(result.Error);
        Assert.Equal("partial", result.ResponseBody);
    }

    [Fact]
    public async Task The_callers_cancellation_is_thrown_not_reported_as_a_timeout()
    {
        var url = Hooks(Answer.Hang);
        var sender = CreateSender(options => options.AttemptTimeout = TimeSpan.FromSeconds(30));
        using var shutdown = new CancellationTokenSource();

        var sending = sender.SendAsync(Request(url), shutdown.Token);
        await receiver.WaitForAsync("hooks", 1, TimeSpan.FromSeconds(10));
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
        var httpsUrl = new UriBuilder(Hooks(Answer.Status(200))) { Scheme = "https" }.Uri;

        var result = await CreateSender().SendAsync(Request(httpsUrl), CancellationToken.None);

        Assert.Null(result.StatusCode);
        Assert.Equal(SendErrors.TlsFailure, result.Error);
    }

    [Fact]
    public async Task A_redirect_is_reported_and_not_followed()
    {
        var moved = receiver.Endpoint("moved");
        var url = Hooks(Answer.With(context =>
        {
            context.Response.Redirect(moved);
            return Task.CompletedTask;
        }));

        var result = await CreateSender().SendAsync(Request(url), CancellationToken.None);

        Assert.Equal(302, result.StatusCode);
        Assert.Single(receiver.At("hooks"));
        Assert.Empty(receiver.At("moved"));
    }

    [Theory]
    [InlineData("value\r\nX-Injected: yes")]
    [InlineData("value\nX-Injected: yes")]
    [InlineData("nul\0")]
    public async Task A_header_value_with_a_line_break_is_not_sent(string value)
    {
        var url = Hooks(Answer.Status(200));

        var result = await CreateSender().SendAsync(new WebhookRequest(url, Body, [new("X-Team", value)]), CancellationToken.None);

        Assert.Equal(SendErrors.InvalidHeader, result.Error);
        Assert.Null(result.StatusCode);
        Assert.Empty(receiver.At("hooks"));
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
        var url = Hooks(Answer.Status(200));
        var sender = CreateSender(allowLoopback: false);

        var result = await sender.SendAsync(Request(url), CancellationToken.None);

        Assert.Null(result.StatusCode);
        Assert.Equal(SendErrors.DestinationBlocked, result.Error);
        Assert.Equal(Engine.DeadLetters.DeadLetterReason.DestinationBlocked, OutcomeClassifier.Classify(result).Reason);
    }

    private static WebhookRequest Request(Uri url) => new(url, Body, []);

    /// <summary>The receiver's one endpoint in a test, answering every request with <paramref name="answer"/>.</summary>
    private Uri Hooks(Answer answer) => new(receiver.Endpoint("hooks", answer));

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
