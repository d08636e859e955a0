using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookFunctions.EndToEndTests.Hosting;
using WebhookFunctions.EndToEndTests.Receivers;

namespace WebhookFunctions.EndToEndTests.Delivery;

/// <summary>
/// The server with <see cref="DeliveryScenarioSettings"/> and a receiver on 127.0.0.1: the self-hosted server started
/// in process, or the server named by WEBHOOK_E2E_BASE_URL (<see cref="ExternalServer"/>), e.g. the Functions app
/// under `func start`.
/// </summary>
public sealed class DeliveryServerFixture : IAsyncLifetime
{
    public static readonly IReadOnlyList<TimeSpan> RetrySchedule = DeliveryScenarioSettings.RetrySchedule;
    public static readonly TimeSpan AttemptTimeout = DeliveryScenarioSettings.AttemptTimeout;

    private RunningServer? server;

    public HttpClient Client { get; private set; } = null!;

    public WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        if (ExternalServer.ClientFromEnvironment() is { } external)
        {
            Client = external;
            return;
        }

        server = await RunningServer.StartAsync(DeliveryScenarioSettings.AsConfiguration());
        Client = server.Client;
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
        else
        {
            Client?.Dispose();
        }

        await Receiver.DisposeAsync();
    }

    public async Task<Subscriber> SubscribeAsync(string url, params string[] eventTypes)
    {
        var response = await Client.PostAsJsonAsync("/api/subscriptions", new { url, eventTypes });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var created = JsonDocument.Parse(body);
        return new Subscriber(
            created.RootElement.GetProperty("id").GetString()!,
            created.RootElement.GetProperty("secret").GetString()!,
            new Uri(url).AbsolutePath.TrimStart('/'));
    }

    public async Task<string> PublishAsync(string type, string dataJson, string? idempotencyKey = null, string? traceParent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events")
        {
            Content = new StringContent($$"""{"type":"{{type}}","data":{{dataJson}}}""", Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (traceParent is not null)
        {
            request.Headers.Add("traceparent", traceParent);
        }

        var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Polls the event's delivery log until <paramref name="done"/> holds.</summary>
    public async Task<IReadOnlyList<AttemptView>> WaitForAttemptsAsync(string eventId, Func<IReadOnlyList<AttemptView>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<AttemptView> attempts = [];
        while (DateTime.UtcNow < deadline)
        {
            var page = await Client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/deliveries");
            attempts = page.GetProperty("items").EnumerateArray().Select(AttemptView.From).ToList();
            if (done(attempts))
            {
                return attempts;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Event {eventId}: the delivery log never met the condition; it holds {JsonSerializer.Serialize(attempts)}");
    }
}

public sealed record Subscriber(string Id, string Secret, string Endpoint);

public sealed record AttemptView(string SubscriptionId, int Attempt, string Outcome, int? StatusCode, string? Error, long DurationMs, DateTimeOffset At, DateTimeOffset? NextAttemptAt)
{
    public static AttemptView From(JsonElement item) => new(
        item.GetProperty("subscriptionId").GetString()!,
        item.GetProperty("attempt").GetInt32(),
        item.GetProperty("outcome").GetString()!,
        item.GetProperty("statusCode").ValueKind == JsonValueKind.Number ? item.GetProperty("statusCode").GetInt32() : null,
        item.GetProperty("error").GetString(),
        item.GetProperty("durationMs").GetInt64(),
        item.GetProperty("at").GetDateTimeOffset(),
        item.GetProperty("nextAttemptAt").ValueKind == JsonValueKind.String ? item.GetProperty("nextAttemptAt").GetDateTimeOffset() : null);
}

[CollectionDefinition(Name)]
public sealed class DeliveryServerCollection : ICollectionFixture<DeliveryServerFixture>
{
    public const string Name = "Delivery server";
}
