using System.Buffers.Text;
using System.Text;
using static System.Net.HttpStatusCode;
using static WebhookFunctions.EndToEndTests.Api.BadRequestCase;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Api;

/// <summary>
/// Requests every route of the contract must refuse with a 4xx problem and without writing anything. Several look
/// valid but for one detail (a wrong key, a stale ETag, a real id with a forged token): if that detail were ignored
/// they would write, which the corpus test sees in the stores.
/// </summary>
public static class BadRequestCorpus
{
    public const string ValidKey = RunningServer.ApiKey;

    public const int TenMegabytes = 10 * 1024 * 1024;

    public const string PublishEvent = "POST /api/events";
    public const string GetEvent = "GET /api/events/{id}";
    public const string ListEventDeliveries = "GET /api/events/{id}/deliveries";
    public const string CreateSubscription = "POST /api/subscriptions";
    public const string ListSubscriptions = "GET /api/subscriptions";
    public const string GetSubscription = "GET /api/subscriptions/{id}";
    public const string PatchSubscription = "PATCH /api/subscriptions/{id}";
    public const string DeleteSubscription = "DELETE /api/subscriptions/{id}";
    public const string RotateSecret = "POST /api/subscriptions/{id}/rotate-secret";
    public const string SendTest = "POST /api/subscriptions/{id}/test";
    public const string VerifySubscription = "POST /api/subscriptions/{id}/verify";
    public const string ListSubscriptionDeliveries = "GET /api/subscriptions/{id}/deliveries";
    public const string ListDeadLetters = "GET /api/dead-letters";
    public const string ReplayDeadLetters = "POST /api/dead-letters/replay";
    public const string PurgeDeadLetters = "DELETE /api/dead-letters";

    public static IReadOnlyList<string> Routes { get; } =
    [
        PublishEvent, GetEvent, ListEventDeliveries, CreateSubscription, ListSubscriptions, GetSubscription, PatchSubscription,
        DeleteSubscription, RotateSecret, SendTest, VerifySubscription, ListSubscriptionDeliveries, ListDeadLetters, ReplayDeadLetters, PurgeDeadLetters,
    ];

    /// <summary>Ids that no resource can have: control characters, bidi overrides, look-alikes, table-key metacharacters, length.</summary>
    private static readonly (string Name, string Encoded)[] ImpossibleIds =
    [
        ("CR/LF in the id", "sub_x%0D%0ASet-Cookie:%20a=b"),
        ("a right-to-left override in the id", "sub_%E2%80%AEtxt.exe"),
        ("a zero-width space in the id", "sub_%E2%80%8Bx"),
        ("an encoded slash and dots in the id", "sub_a%2F..%2F..%2Fb"),
        ("a quote in the id (OData key syntax)", "x'%20or%20'1'%20eq%20'1"),
        ("table-key metacharacters in the id", "a%23b%3Fc%5Cd"),
        ("an id of 2,000 characters", new string('a', 2000)),
    ];

    private static readonly string ForgedETag = Token("W/\"datetime'2000-01-01T00%3A00%3A00.0000000Z'\"");

    /// <summary>A token with the codec's shape but a check that does not match.</summary>
    private static readonly string ForgedToken = Base64Url.EncodeToString(Encoding.UTF8.GetBytes("t1\nsubscriptions\n1!1!c3ViXzA-\n0000000000000000"));

    public static IReadOnlyList<BadRequestCase> All { get; } =
    [
        .. Events(), .. EventReads(), .. SubscriptionCreates(), .. SubscriptionListings(), .. SubscriptionReads(),
        .. SubscriptionPatches(), .. SubscriptionCommands(), .. DeadLetterListings(), .. Replays(),
        .. Purges(),
    ];

    private static IEnumerable<BadRequestCase> Events()
    {
        const string Path = "/api/events";
        BadRequestCase Publish(string name, string json, System.Net.HttpStatusCode expected = BadRequest, string? field = "body") =>
            new(name, PublishEvent, "POST", Path, expected, field) { Body = Json(json) };

        yield return Publish("truncated JSON", """{"type":"order.created","data":{"a":1}""");
        yield return Publish("malformed JSON (double comma)", """{"type":"order.created",,"data":1}""");
        yield return Publish("an empty body", "");
        yield return Publish("a JSON array instead of an object", """[{"type":"order.created"}]""");
        yield return Publish("data nested 10,000 deep", $$"""{"type":"order.created","data":{{NestedArrays(10_000)}}}""", field: "data");
        yield return Publish("a duplicated property", """{"type":"order.created","type":"order.deleted","data":1}""", field: "type");
        yield return Publish("an unknown field", """{"type":"order.created","data":1,"priority":"high"}""", field: "priority");
        yield return Publish("a Cyrillic look-alike in the type", """{"type":"\u043Erder.created","data":1}""", field: "type");
        yield return Publish("a right-to-left override in the id", """{"id":"evt_\u202Etxt.exe","type":"order.created","data":1}""", field: "id");
        yield return Publish("CR/LF in the id", """{"id":"evt_x\r\nSet-Cookie: a=b","type":"order.created","data":1}""", field: "id");
        yield return Publish("a lone surrogate in the id", """{"id":"evt_\ud800","type":"order.created","data":1}""", field: "id");
        yield return Publish("an id of 65 characters", $$"""{"id":"{{new string('e', 65)}}","type":"order.created","data":1}""", field: "id");
        yield return new("invalid UTF-8 in the body", PublishEvent, "POST", Path, BadRequest, "body")
        {
            Body = () => [.. Encoding.UTF8.GetBytes("{\"type\":\"order.created\",\"data\":\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")],
        };
        yield return new("a 10 MB body with Content-Length", PublishEvent, "POST", Path, RequestEntityTooLarge) { Body = () => BigEvent(TenMegabytes) };
        yield return new("a 10 MB body, chunked", PublishEvent, "POST", Path, RequestEntityTooLarge) { Body = () => BigEvent(TenMegabytes), Raw = true };
        yield return new("text/plain", PublishEvent, "POST", Path, UnsupportedMediaType) { Body = Json("""{"type":"order.created","data":1}"""), ContentType = "text/plain" };
        yield return new("no Content-Type", PublishEvent, "POST", Path, UnsupportedMediaType) { Body = Json("""{"type":"order.created","data":1}"""), ContentType = null };
        yield return new("JSON declared as UTF-16", PublishEvent, "POST", Path, UnsupportedMediaType) { Body = Json("""{"type":"order.created","data":1}"""), ContentType = "application/json; charset=utf-16" };
        yield return new("a CloudEvent without source", PublishEvent, "POST", Path, BadRequest, "body")
        {
            Body = Json("""{"specversion":"1.0","id":"ce-1","type":"order.created","data":{}}"""),
            ContentType = "application/cloudevents+json",
        };
        yield return new("an Idempotency-Key with a tab", PublishEvent, "POST", Path, BadRequest, "idempotencyKey")
        {
            Body = Json("""{"type":"order.created","data":1}"""),
            Headers = [new("Idempotency-Key", "key\twith-tab")],
        };
        yield return new("an Idempotency-Key of 300 characters", PublishEvent, "POST", Path, BadRequest, "idempotencyKey")
        {
            Body = Json("""{"type":"order.created","data":1}"""),
            Headers = [new("Idempotency-Key", new string('k', 300))],
        };
        yield return new("an Idempotency-Key given on two lines", PublishEvent, "POST", Path, BadRequest, "Idempotency-Key")
        {
            Body = Json("""{"type":"order.created","data":1}"""),
            Raw = true,
            Headers = [new("Idempotency-Key", "first"), new("Idempotency-Key", "second")],
        };
        yield return new("a valid event without a key", PublishEvent, "POST", Path, Unauthorized) { Body = Json("""{"type":"order.created","data":1}"""), Key = null };
    }

    private static IEnumerable<BadRequestCase> EventReads()
    {
        foreach (var (name, id) in ImpossibleIds.Take(5))
        {
            yield return new(name, GetEvent, "GET", $"/api/events/{id}", NotFound);
        }

        foreach (var (name, id) in ImpossibleIds.Skip(4))
        {
            yield return new(name, ListEventDeliveries, "GET", $"/api/events/{id}/deliveries", NotFound);
        }

        yield return new("a real event with a zero-width space in the key", GetEvent, "GET", "/api/events/{event}", Unauthorized) { Key = ValidKey + "\u200B" };
    }

    private static IEnumerable<BadRequestCase> SubscriptionCreates()
    {
        const string Path = "/api/subscriptions";
        const string Url = "https://example.invalid/hooks";
        BadRequestCase Create(string name, string json, string? field, System.Net.HttpStatusCode expected = BadRequest) =>
            new(name, CreateSubscription, "POST", Path, expected, field) { Body = Json(json) };

        yield return Create("truncated JSON", $$"""{"url":"{{Url}}","eventTypes":["order.*"]""", "body");
        yield return Create("null instead of an object", "null", "body");
        yield return Create("description nested 10,000 deep", $$"""{"url":"{{Url}}","eventTypes":["order.*"],"description":{{NestedArrays(10_000)}}}""", "description");
        yield return Create("100,000 event types (over the body cap)", $$"""{"url":"{{Url}}","eventTypes":[{{Repeat("\"a.b\"", 100_000)}}]}""", field: null, expected: RequestEntityTooLarge);
        yield return Create("50,000 event types (under the body cap)", $$"""{"url":"{{Url}}","eventTypes":[{{Repeat("\"a\"", 50_000)}}]}""", "eventTypes");
        yield return Create("101 distinct event types", $$"""{"url":"{{Url}}","eventTypes":[{{string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"t{i}\""))}}]}""", "eventTypes");
        yield return Create("a duplicated event type", $$"""{"url":"{{Url}}","eventTypes":["order.*","order.*"]}""", "eventTypes");
        yield return Create("a Cyrillic look-alike in an event type", $$"""{"url":"{{Url}}","eventTypes":["\u043Erder.*"]}""", "eventTypes");
        yield return Create("CR/LF in a header value (header injection)", """{"url":"https://example.invalid/hooks","eventTypes":["*"],"headers":{"X-Team":"billing\r\nX-Injected: 1"}}""", "headers");
        yield return Create("LF alone in a header value", """{"url":"https://example.invalid/hooks","eventTypes":["*"],"headers":{"X-Team":"billing\nX-Injected: 1"}}""", "headers");
        yield return Create("NUL in a header value", """{"url":"https://example.invalid/hooks","eventTypes":["*"],"headers":{"X-Team":"bill\u0000ing"}}""", "headers");
        yield return Create("CR/LF in a header name", """{"url":"https://example.invalid/hooks","eventTypes":["*"],"headers":{"X-Team\r\nX-Injected":"1"}}""", "headers");
        yield return Create("a non-ASCII header name", """{"url":"https://example.invalid/hooks","eventTypes":["*"],"headers":{"X-Téam":"billing"}}""", "headers");
        yield return Create("a right-to-left override in a header value", """{"url":"https://example.invalid/hooks","eventTypes":["*"],"headers":{"X-Team":"\u202Egnillib"}}""", "headers");
        yield return Create("a reserved header", """{"url":"https://example.invalid/hooks","eventTypes":["*"],"headers":{"Webhook-Signature":"v1,forged"}}""", "headers");
        yield return Create("11 headers", """{"url":"https://example.invalid/hooks","eventTypes":["*"],"headers":{""" + string.Join(",", Enumerable.Range(0, 11).Select(i => $"\"X-H{i}\":\"v\"")) + "}}", "headers");
        yield return Create("CR/LF in the url", """{"url":"https://example.invalid/hooks\r\nX-Injected: 1","eventTypes":["*"]}""", "url");
        yield return Create("a javascript: url", """{"url":"javascript:alert(1)","eventTypes":["*"]}""", "url");
        yield return Create("a file: url", """{"url":"file:///etc/passwd","eventTypes":["*"]}""", "url");
        yield return Create("credentials in the url", """{"url":"https://admin:hunter2@example.invalid/hooks","eventTypes":["*"]}""", "url");
        yield return Create("a secret that is too short", $$"""{"url":"{{Url}}","eventTypes":["*"],"secret":"whsec_c2hvcnQ="}""", "secret");
        yield return Create("a description of 513 characters", $$"""{"url":"{{Url}}","eventTypes":["*"],"description":"{{new string('d', 513)}}"}""", "description");
        yield return new("a 10 MB body", CreateSubscription, "POST", Path, RequestEntityTooLarge) { Body = () => Padded($"{{\"url\":\"{Url}\",\"eventTypes\":[\"*\"],\"description\":\"", "\"}", TenMegabytes) };
        yield return new("application/xml", CreateSubscription, "POST", Path, UnsupportedMediaType) { Body = Json($$"""{"url":"{{Url}}","eventTypes":["*"]}"""), ContentType = "application/xml" };
        yield return new("form data", CreateSubscription, "POST", Path, UnsupportedMediaType) { Body = Json("url=https://example.invalid&eventTypes=*"), ContentType = "application/x-www-form-urlencoded" };
        yield return new("a valid subscription with a key off by its last character", CreateSubscription, "POST", Path, Unauthorized)
        {
            Body = Json($$"""{"url":"{{Url}}","eventTypes":["*"]}"""),
            Key = ValidKey[..^1] + "X",
        };
    }

    private static IEnumerable<BadRequestCase> SubscriptionListings()
    {
        foreach (var query in (string[])["limit=-1", "limit=0", "limit=201", "limit=2147483648", "limit=1e2", "limit=%2B5", "limit=%D9%A5", "limit=5&limit=6"])
        {
            yield return new($"bad paging: {query}", ListSubscriptions, "GET", $"/api/subscriptions?{query}", BadRequest, "limit");
        }

        yield return new("a forged continuation token", ListSubscriptions, "GET", "/api/subscriptions?continuationToken=forged", BadRequest, "continuationToken");
        yield return new("a token with the right shape and a wrong check", ListSubscriptions, "GET", $"/api/subscriptions?continuationToken={ForgedToken}", BadRequest, "continuationToken");
        yield return new("a token with CR/LF", ListSubscriptions, "GET", "/api/subscriptions?continuationToken=dDEK%0D%0Ax", BadRequest, "continuationToken");
        yield return new("a token of 4,000 characters", ListSubscriptions, "GET", $"/api/subscriptions?continuationToken={new string('A', 4000)}", BadRequest, "continuationToken");
        yield return new("a real token, truncated", ListSubscriptions, "GET", "/api/subscriptions?continuationToken={subscriptionsToken}TRUNCATE", BadRequest, "continuationToken");
    }

    private static IEnumerable<BadRequestCase> SubscriptionReads()
    {
        foreach (var (name, id) in ImpossibleIds)
        {
            yield return new(name, GetSubscription, "GET", $"/api/subscriptions/{id}", NotFound);
        }

        yield return new("a real subscription with the key in another case", GetSubscription, "GET", "/api/subscriptions/{subscription}", Unauthorized) { Key = ValidKey.ToUpperInvariant() };
    }

    private static IEnumerable<BadRequestCase> SubscriptionPatches()
    {
        const string Path = "/api/subscriptions/{subscription}";
        BadRequestCase Patch(string name, string json, System.Net.HttpStatusCode expected, string? field, string? ifMatch = "{etag}") =>
            new(name, PatchSubscription, "PATCH", Path, expected, field)
            {
                Body = Json(json),
                Headers = ifMatch is null ? [] : [new("If-Match", ifMatch)],
            };

        yield return Patch("a valid change without If-Match", """{"description":"changed"}""", PreconditionRequired, null, ifMatch: null);
        yield return Patch("a valid change with If-Match: *", """{"description":"changed"}""", BadRequest, "If-Match", ifMatch: "*");
        yield return Patch("a valid change with a forged ETag", """{"description":"changed"}""", PreconditionFailed, null, ifMatch: ForgedETag);
        yield return Patch("a valid change with an ETag that is not ours", """{"description":"changed"}""", PreconditionFailed, null, ifMatch: "\"not-an-etag\"");
        yield return Patch("a valid change with an ETag token that decodes to no entity-tag", """{"description":"changed"}""", PreconditionFailed, null, ifMatch: Token("abc"));
        yield return Patch("a valid change with an ETag token of a well-formed, unknown entity-tag", """{"description":"changed"}""", PreconditionFailed, null, ifMatch: Token("W/\"nope\""));
        yield return Patch("truncated JSON", """{"description":"changed""", BadRequest, "description");
        yield return Patch("an unknown status", """{"status":"DISABLED"}""", BadRequest, "status");
        yield return Patch("an empty eventTypes", """{"eventTypes":[]}""", BadRequest, "eventTypes");
        yield return Patch("an attempt to set the secret", """{"secret":"whsec_MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="}""", BadRequest, "secret");
        yield return Patch("CR/LF in a header value (header injection)", """{"headers":{"X-Team":"a\r\nX-Injected: 1"}}""", BadRequest, "headers");
        yield return Patch("a plain http url", """{"url":"http://example.invalid/hooks"}""", BadRequest, "url");
        yield return new("a 10 MB body", PatchSubscription, "PATCH", Path, RequestEntityTooLarge)
        {
            Body = () => Padded("{\"description\":\"", "\"}", TenMegabytes),
            Headers = [new("If-Match", "{etag}")],
        };
        yield return new("text/plain", PatchSubscription, "PATCH", Path, UnsupportedMediaType)
        {
            Body = Json("""{"description":"changed"}"""),
            ContentType = "text/plain",
            Headers = [new("If-Match", "{etag}")],
        };
        yield return new("an impossible id", PatchSubscription, "PATCH", "/api/subscriptions/sub_%E2%80%AEx", NotFound)
        {
            Body = Json("""{"description":"changed"}"""),
            Headers = [new("If-Match", "{etag}")],
        };
    }

    private static IEnumerable<BadRequestCase> SubscriptionCommands()
    {
        foreach (var (name, id) in ImpossibleIds.Take(4))
        {
            yield return new(name, DeleteSubscription, "DELETE", $"/api/subscriptions/{id}", NotFound);
        }

        yield return new("an unknown, well-formed id", DeleteSubscription, "DELETE", "/api/subscriptions/sub_0000000000000000000000000000000", NotFound);
        yield return new("a real subscription with a key that is a prefix of the right one", DeleteSubscription, "DELETE", "/api/subscriptions/{subscription}", Unauthorized)
        {
            Key = ValidKey[..5],
        };

        foreach (var (name, id) in ImpossibleIds.Skip(2).Take(3))
        {
            yield return new(name, RotateSecret, "POST", $"/api/subscriptions/{id}/rotate-secret", NotFound);
        }

        yield return new("an unknown, well-formed id", RotateSecret, "POST", "/api/subscriptions/sub_0000000000000000000000000000000/rotate-secret", NotFound);
        yield return new("a real subscription with the key plus a suffix", RotateSecret, "POST", "/api/subscriptions/{subscription}/rotate-secret", Unauthorized) { Key = ValidKey + "x" };

        foreach (var (name, id) in ImpossibleIds.Take(3))
        {
            yield return new(name, VerifySubscription, "POST", $"/api/subscriptions/{id}/verify", NotFound);
        }

        yield return new("an unknown, well-formed id", VerifySubscription, "POST", "/api/subscriptions/sub_0000000000000000000000000000000/verify", NotFound);
        yield return new("a real subscription without a key", VerifySubscription, "POST", "/api/subscriptions/{subscription}/verify", Unauthorized) { Key = null };

        foreach (var (name, id) in ImpossibleIds.Skip(4))
        {
            yield return new(name, SendTest, "POST", $"/api/subscriptions/{id}/test", NotFound);
        }

        yield return new("a real subscription without a key", SendTest, "POST", "/api/subscriptions/{subscription}/test", Unauthorized) { Key = null };

        const string Deliveries = "/api/subscriptions/{subscription}/deliveries";
        yield return new("limit=0", ListSubscriptionDeliveries, "GET", Deliveries + "?limit=0", BadRequest, "limit");
        yield return new("limit=-5", ListSubscriptionDeliveries, "GET", Deliveries + "?limit=-5", BadRequest, "limit");
        yield return new("limit=99999999999999999999", ListSubscriptionDeliveries, "GET", Deliveries + "?limit=99999999999999999999", BadRequest, "limit");
        yield return new("a forged continuation token", ListSubscriptionDeliveries, "GET", Deliveries + "?continuationToken=Zm9yZ2Vk", BadRequest, "continuationToken");
        yield return new("a real token of the subscriptions listing", ListSubscriptionDeliveries, "GET", Deliveries + "?continuationToken={subscriptionsToken}", BadRequest, "continuationToken");
        foreach (var (name, id) in ImpossibleIds.Take(2))
        {
            yield return new(name, ListSubscriptionDeliveries, "GET", $"/api/subscriptions/{id}/deliveries", NotFound);
        }
    }

    private static IEnumerable<BadRequestCase> DeadLetterListings()
    {
        (string Query, string Field)[] queries =
        [
            ("since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z", "until"),
            ("since=2025-01-01T00:00:00Z&until=2025-01-01T00:00:00Z", "until"),
            ("since=yesterday", "since"),
            ("since=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95-01-01T00:00:00Z", "since"),
            ("until=2025-01-01T00:00:00", "until"),
            ("since=2025-13-45T25:61:61Z", "since"),
            ("limit=0", "limit"),
            ("limit=-2147483649", "limit"),
            ("continuationToken=forged", "continuationToken"),
            ("continuationToken={subscriptionsToken}", "continuationToken"),
            ("subscriptionId=a&subscriptionId=b", "subscriptionId"),
        ];
        foreach (var (query, field) in queries)
        {
            yield return new(query, ListDeadLetters, "GET", $"/api/dead-letters?{query}", BadRequest, field);
        }
    }

    private static IEnumerable<BadRequestCase> Replays()
    {
        const string Path = "/api/dead-letters/replay";
        BadRequestCase Replay(string name, string json, string? field, System.Net.HttpStatusCode expected = BadRequest) =>
            new(name, ReplayDeadLetters, "POST", Path, expected, field) { Body = Json(json) };

        yield return Replay("an inverted time range", """{"since":"2025-02-01T00:00:00Z","until":"2025-01-01T00:00:00Z"}""", "until");
        yield return Replay("an inverted time range across offsets", """{"since":"2025-01-01T02:00:00+01:00","until":"2025-01-01T00:30:00Z"}""", "until");
        yield return Replay("an empty time range", """{"since":"2025-01-01T00:00:00Z","until":"2025-01-01T00:00:00Z"}""", "until");
        yield return Replay("since without an offset", """{"since":"2025-01-01T00:00:00"}""", "since");
        yield return Replay("since as a number", """{"since":1735689600}""", "since");
        yield return Replay("dryRun as a string", """{"dryRun":"false"}""", "dryRun");
        yield return Replay("subscriptionId as an object", """{"subscriptionId":{"$ne":null}}""", "subscriptionId");
        yield return Replay("an unknown field", """{"dryRun":false,"all":true}""", "all");
        yield return Replay("truncated JSON", """{"dryRun":false""", "body");
        yield return Replay("nesting 10,000 deep", NestedArrays(10_000), "body");
        yield return new("a 10 MB body, chunked", ReplayDeadLetters, "POST", Path, RequestEntityTooLarge)
        {
            Body = () => Padded("{\"eventType\":\"", "\",\"dryRun\":false}", TenMegabytes),
            Raw = true,
        };
        yield return new("text/plain", ReplayDeadLetters, "POST", Path, UnsupportedMediaType) { Body = Json("""{"dryRun":false}"""), ContentType = "text/plain" };
        yield return new("a real replay without a key", ReplayDeadLetters, "POST", Path, Unauthorized) { Body = Json("""{"dryRun":false}"""), Key = null };
        yield return new("a real replay with a wrong key in the code parameter", ReplayDeadLetters, "POST", Path + "?code=wrong", Unauthorized) { Body = Json("""{"dryRun":false}"""), Key = null };
    }

    /// <summary>
    /// Each would purge the seeded dead letter if the detail at fault were ignored: every filter left out matches all.
    /// </summary>
    private static IEnumerable<BadRequestCase> Purges()
    {
        (string Query, string Field)[] queries =
        [
            ("since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z", "until"),
            ("since=2025-01-01T00:00:00Z&until=2025-01-01T00:00:00Z", "until"),
            ("since=yesterday", "since"),
            ("until=2025-01-01T00:00:00", "until"),
            ("limit=0", "limit"),
            ("limit=201", "limit"),
            ("continuationToken=forged", "continuationToken"),
            ("continuationToken={subscriptionsToken}", "continuationToken"),
            ("dryRun=yes", "dryRun"),
            ("dryRun=1", "dryRun"),
            ("dryRun=TRUE", "dryRun"),
            ("dryRun=true&dryRun=false", "dryRun"),
            ("stage=poison", "stage"),
            ("tenantId=a%20b", "tenantId"),
            ("subscriptionId=a&subscriptionId=b", "subscriptionId"),
        ];
        foreach (var (query, field) in queries)
        {
            yield return new(query, PurgeDeadLetters, "DELETE", $"/api/dead-letters?{query}", BadRequest, field);
        }

        yield return new("a subscriptionId naming nothing", PurgeDeadLetters, "DELETE", "/api/dead-letters?subscriptionId=sub_00000000000000000000000000000000", NotFound);
        yield return new("a real purge without a key", PurgeDeadLetters, "DELETE", "/api/dead-letters", Unauthorized) { Key = null };
        yield return new("a real purge with a wrong key in the code parameter", PurgeDeadLetters, "DELETE", "/api/dead-letters?code=wrong", Unauthorized) { Key = null };
    }

    /// <summary>An If-Match value as this API writes them: the store ETag base64url-encoded and quoted.</summary>
    private static string Token(string storeETag) => "\"" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(storeETag)) + "\"";

    public static string NestedArrays(int depth) => new string('[', depth) + new string(']', depth);

    private static string Repeat(string item, int count) => string.Join(",", Enumerable.Repeat(item, count));

    private static byte[] BigEvent(int size) => Padded("{\"type\":\"order.created\",\"data\":\"", "\"}", size);

    /// <summary>UTF-8 JSON of exactly <paramref name="size"/> bytes: prefix, 'x' padding, suffix.</summary>
    private static byte[] Padded(string prefix, string suffix, int size)
    {
        var head = Encoding.UTF8.GetBytes(prefix);
        var tail = Encoding.UTF8.GetBytes(suffix);
        var body = new byte[size];
        head.CopyTo(body, 0);
        body.AsSpan(head.Length, size - head.Length - tail.Length).Fill((byte)'x');
        tail.CopyTo(body, size - tail.Length);
        return body;
    }
}
