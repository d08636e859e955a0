using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookFunctions.EndToEndTests.Hosting;
using Xunit.Abstractions;
using static WebhookFunctions.EndToEndTests.Api.ApiAssertions;
using WebhookFunctions.Testing.Waiting;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Api;

/// <summary>
/// Sends the whole <see cref="BadRequestCorpus"/> to a server whose stores hold real data, and checks that every
/// request gets its exact 4xx as problem+json and that no table, blob or queue changed by a single byte.
/// </summary>
public sealed class BadInputCorpusTests(ITestOutputHelper output)
{
    [Fact]
    public void The_corpus_has_at_least_60_cases_and_covers_every_route_with_4xx_answers()
    {
        var cases = BadRequestCorpus.All;

        Assert.True(cases.Count >= 60, $"The corpus has {cases.Count} cases.");
        Assert.All(cases, c => Assert.Contains(c.Route, BadRequestCorpus.Routes));
        Assert.All(BadRequestCorpus.Routes, route => Assert.Contains(cases, c => c.Route == route));
        Assert.All(cases, c => Assert.InRange((int)c.Expected, 400, 499));
        Assert.Equal(cases.Count, cases.Select(c => c.ToString()).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Every_bad_request_gets_its_4xx_problem_and_leaves_the_stores_byte_for_byte_unchanged()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Delivery:AllowHttpUrls"] = "false",
            ["Workers:MaxPollDelay"] = "00:00:00.200",
        });
        var seeded = await SeedAsync(server.Client);
        await WaitForQueuesToDrainAsync(server.StorageConnectionString);
        var before = await StorageSnapshot.TakeAsync(server.StorageConnectionString);
        AssertEveryStoreHoldsData(before, server.StorageNamePrefix);

        using var client = RawClient(server.Client.BaseAddress!);
        var failures = new List<string>();
        foreach (var badRequest in BadRequestCorpus.All)
        {
            var watch = Stopwatch.StartNew();
            var failure = await SendAndCheckAsync(client, badRequest, seeded);
            if (failure is not null)
            {
                failures.Add($"{badRequest}: {failure}");
            }

            output.WriteLine($"{(int)badRequest.Expected} {watch.ElapsedMilliseconds,5} ms  {badRequest}");
        }

        var after = await StorageSnapshot.TakeAsync(server.StorageConnectionString);
        Assert.True(failures.Count == 0, $"{failures.Count} of {BadRequestCorpus.All.Count} cases failed:\n{string.Join("\n", failures)}");
        Assert.Equal(before, after);
    }

    /// <summary>The comparison means something only if the stores hold data a bad request could damage.</summary>
    private static void AssertEveryStoreHoldsData(string snapshot, string prefix)
    {
        foreach (var table in (string[])["subscriptions", "events", "idempotency", "deliveryattempts", "subscriptiondeliveries", "deadletters"])
        {
            Assert.Matches($@"(?m)^table {prefix}{table}\r?\n  \[", snapshot);
        }
    }

    /// <summary>A client that sends headers as UTF-8 (so Unicode tricks reach the server) and adds no headers of its own.</summary>
    private static HttpClient RawClient(Uri baseAddress) =>
        new(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8, ActivityHeadersPropagator = null })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <returns>Why the answer is wrong, or null when it is the expected problem.</returns>
    private static async Task<string?> SendAndCheckAsync(HttpClient client, BadRequestCase badRequest, SeededData seeded)
    {
        var path = seeded.Fill(badRequest.Path);
        var headers = badRequest.Headers.Select(h => KeyValuePair.Create(h.Key, seeded.Fill(h.Value))).ToList();
        if (badRequest.Key is not null)
        {
            headers.Add(KeyValuePair.Create("x-functions-key", badRequest.Key));
        }

        var body = badRequest.Body?.Invoke();
        if (body is not null && badRequest.ContentType is not null)
        {
            headers.Add(KeyValuePair.Create("Content-Type", badRequest.ContentType));
        }

        (int Status, string? ContentType, string Text) answer;
        try
        {
            answer = badRequest.Raw
                ? await SendRawAsync(client.BaseAddress!, badRequest.Method, path, headers, body)
                : await SendAsync(client, badRequest.Method, path, headers, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException or TimeoutException)
        {
            return $"no answer: {ex.Message}";
        }

        if (answer.Status != (int)badRequest.Expected)
        {
            return $"expected {(int)badRequest.Expected}, got {answer.Status}: {Shorten(answer.Text)}";
        }

        if (answer.ContentType is null || !answer.ContentType.StartsWith("application/problem+json", StringComparison.Ordinal))
        {
            return $"Content-Type {answer.ContentType}, not application/problem+json: {Shorten(answer.Text)}";
        }

        return ProblemFault(answer.Text, badRequest);
    }

    private static async Task<(int, string?, string)> SendAsync(HttpClient client, string method, string path, List<KeyValuePair<string, string>> headers, byte[]? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        // A fresh connection each: the server closes one whose body it refused unread.
        request.Headers.ConnectionClose = true;
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);

            // Past the cap, wait for the server's verdict before sending: it answers 413 from Content-Length alone.
            request.Headers.ExpectContinue = body.Length > 256 * 1024;
        }

        foreach (var (name, value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content!.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
    }

    private static async Task<(int, string?, string)> SendRawAsync(Uri baseAddress, string method, string path, List<KeyValuePair<string, string>> headers, byte[]? body)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var answer = await RawHttpExchange.SendAsync(baseAddress, method, path, headers, body, timeout.Token);
        return (answer.Status, answer.ContentType, answer.Body);
    }

    private static string? ProblemFault(string text, BadRequestCase badRequest)
    {
        JsonElement problem;
        try
        {
            problem = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return $"the problem is not JSON: {Shorten(text)}";
        }

        foreach (var member in (string[])["type", "title", "detail"])
        {
            if (!problem.TryGetProperty(member, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
            {
                return $"the problem has no {member}: {Shorten(text)}";
            }
        }

        if (!problem.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Number || status.GetInt32() != (int)badRequest.Expected)
        {
            return $"the problem's status is not {(int)badRequest.Expected}: {Shorten(text)}";
        }

        if (badRequest.ErrorField is { } field
            && !(problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object && errors.TryGetProperty(field, out var messages) && messages.GetArrayLength() > 0))
        {
            return $"the problem has no errors.{field}: {Shorten(text)}";
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";

    /// <summary>
    /// Three subscriptions (one whose endpoint the egress guard blocks), an event published with an Idempotency-Key
    /// and delivered to that one, so the delivery log, the dead letters, the idempotency table and a subscription's
    /// failing-since mark all hold a row.
    /// </summary>
    private static async Task<SeededData> SeedAsync(HttpClient client)
    {
        var subscription = await CreateAsync(client, """{"url":"https://example.invalid/a","eventTypes":["order.*"],"description":"billing","headers":{"X-Team":"billing"}}""");
        var blocked = await CreateAsync(client, """{"url":"https://127.0.0.1:9/blocked","eventTypes":["blocked.*"]}""");
        // A second recipient: the by-event log holds the attempts of an event with more than one (a sole recipient's
        // prompt first attempt is logged by subscription alone), and every table must hold data here.
        await CreateAsync(client, """{"url":"https://127.0.0.1:9/blocked-too","eventTypes":["blocked.*"]}""");
        await CreateAsync(client, """{"url":"https://example.invalid/c","eventTypes":["invoice.paid"]}""");

        using var publish = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = Json("""{"type":"blocked.attempt","subject":"seed","data":{"n":1}}""") };
        publish.Headers.Add("Idempotency-Key", "seed-key");
        var eventId = (await AssertJsonAsync(await client.SendAsync(publish), HttpStatusCode.Accepted)).GetProperty("id").GetString()!;

        var deadLetters = await Eventually.ValueAsync(
            async () =>
            {
                var listed = await client.GetFromJsonAsync<JsonElement>($"/api/dead-letters?subscriptionId={blocked}");
                var attempts = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/deliveries");
                return (Listed: listed, Attempts: attempts.GetProperty("items").GetArrayLength());
            },
            seen => seen.Listed.GetProperty("items").GetArrayLength() == 1 && seen.Attempts == 2,
            _ => "the seeded event is dead-lettered after its one attempt at each recipient");
        Assert.Equal("destinationBlocked", deadLetters.Listed.GetProperty("items")[0].GetProperty("reason").GetString());

        var read = await client.GetAsync($"/api/subscriptions/{subscription}");
        await AssertJsonAsync(read, HttpStatusCode.OK);
        var firstPage = await AssertJsonAsync(await client.GetAsync("/api/subscriptions?limit=1"), HttpStatusCode.OK);
        return new SeededData(subscription, eventId, read.Headers.ETag!.Tag, firstPage.GetProperty("continuationToken").GetString()!);
    }

    private static async Task<string> CreateAsync(HttpClient client, string body) =>
        (await AssertJsonAsync(await client.PostAsync("/api/subscriptions", Json(body)), HttpStatusCode.Created)).GetProperty("id").GetString()!;

    /// <summary>The seeded delivery settles (its message is deleted) a moment after its dead letter is written.</summary>
    private static Task WaitForQueuesToDrainAsync(string connectionString) => Eventually.HoldsAsync(
        async () => await StorageSnapshot.QueuedMessagesAsync(connectionString) == 0,
        "the queues drain after seeding");
}
