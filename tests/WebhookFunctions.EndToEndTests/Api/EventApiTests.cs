using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static WebhookFunctions.EndToEndTests.Api.ApiAssertions;

namespace WebhookFunctions.EndToEndTests.Api;

[Collection(ApiServerCollection.Name)]
public sealed class EventApiTests(ApiServerFixture server)
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task Publish_answers_202_with_location_and_the_event_reads_back_with_its_data_verbatim()
    {
        var response = await Client.PostAsync("/api/events", Json("""{"type":"order.created","subject":"order/42","data":{"orderId":42,"lines":[{"sku":"a","qty":1.50}],"note":null}}"""));

        var accepted = await AssertJsonAsync(response, HttpStatusCode.Accepted);
        var id = accepted.GetProperty("id").GetString();
        Assert.Equal("order.created", accepted.GetProperty("type").GetString());
        Assert.EndsWith("Z", accepted.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal($"/api/events/{id}", response.Headers.Location?.OriginalString);

        var stored = await AssertJsonAsync(await Client.GetAsync(response.Headers.Location), HttpStatusCode.OK);
        Assert.Equal(id, stored.GetProperty("id").GetString());
        Assert.Equal("order/42", stored.GetProperty("subject").GetString());
        Assert.Equal("""{"orderId":42,"lines":[{"sku":"a","qty":1.50}],"note":null}""", stored.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task A_structured_cloud_event_is_published_with_its_attributes()
    {
        var id = $"ce-{Guid.NewGuid():N}";
        var cloudEvent = $$"""
            {"specversion":"1.0","id":"{{id}}","type":"invoice.paid","source":"https://billing.example/invoices",
             "subject":"invoice/7","time":"2025-01-31T12:00:00Z","datacontenttype":"application/json","data":{"amount":12.5} }
            """;

        var response = await Client.PostAsync("/api/events", Json(cloudEvent, "application/cloudevents+json"));

        var accepted = await AssertJsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal(id, accepted.GetProperty("id").GetString());
        Assert.Equal(new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero), accepted.GetProperty("timestamp").GetDateTimeOffset());
        var stored = await AssertJsonAsync(await Client.GetAsync($"/api/events/{id}"), HttpStatusCode.OK);
        Assert.Equal("invoice.paid", stored.GetProperty("type").GetString());
        Assert.Equal("invoice/7", stored.GetProperty("subject").GetString());
        Assert.Equal("https://billing.example/invoices", stored.GetProperty("source").GetString());
        Assert.Equal(new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero), stored.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal("""{"amount":12.5}""", stored.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task The_same_idempotency_key_with_the_same_body_returns_the_original_event()
    {
        var key = Guid.NewGuid().ToString();

        var first = await AssertJsonAsync(await PublishWithKeyAsync(key, """{"type":"order.created","data":1}"""), HttpStatusCode.Accepted);
        var second = await AssertJsonAsync(await PublishWithKeyAsync(key, """{"type":"order.created","data":1}"""), HttpStatusCode.Accepted);

        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(first.GetProperty("timestamp").GetString(), second.GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task The_same_idempotency_key_with_a_different_body_is_422_and_the_original_stays()
    {
        var key = Guid.NewGuid().ToString();

        var first = await AssertJsonAsync(await PublishWithKeyAsync(key, """{"type":"order.created","data":1}"""), HttpStatusCode.Accepted);
        var second = await PublishWithKeyAsync(key, """{"type":"order.created","data":2}""");

        await AssertProblemAsync(second, HttpStatusCode.UnprocessableEntity);
        var stored = await AssertJsonAsync(await Client.GetAsync($"/api/events/{first.GetProperty("id").GetString()}"), HttpStatusCode.OK);
        Assert.Equal("1", stored.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Deliveries_of_an_event_are_a_list_of_items()
    {
        var accepted = await AssertJsonAsync(await Client.PostAsync("/api/events", Json("""{"type":"nobody.listens","data":{}}""")), HttpStatusCode.Accepted);

        var deliveries = await AssertJsonAsync(await Client.GetAsync($"/api/events/{accepted.GetProperty("id").GetString()}/deliveries"), HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Array, deliveries.GetProperty("items").ValueKind);
    }

    [Fact]
    public async Task An_unknown_event_id_is_404()
    {
        await AssertProblemAsync(await Client.GetAsync("/api/events/evt_doesnotexist"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"id":"ID","type":"order.created","data":{"a":1}""", "body")]
    [InlineData("""{"id":"ID","type":"order.created","data":{"a":}}""", "data")]
    [InlineData("""{"id":"ID","type":"order.created","data":{"a":1}} trailing""", "body")]
    [InlineData("""{"id":"ID","data":{}}""", "type")]
    [InlineData("""{"id":"ID","type":"","data":{}}""", "type")]
    [InlineData("""{"id":"ID","type":"order created!","data":{}}""", "type")]
    [InlineData("""{"id":"ID","type":"order..created","data":{}}""", "type")]
    [InlineData("""{"id":"ID","type":42,"data":{}}""", "type")]
    [InlineData("""{"id":"ID","type":"order.created","data":{},"source":"x"}""", "source")]
    public async Task Invalid_publish_bodies_are_400_naming_the_field_and_store_nothing(string template, string field)
    {
        var id = $"evt-rejected-{Guid.NewGuid():N}";

        var response = await Client.PostAsync("/api/events", Json(template.Replace("ID", id, StringComparison.Ordinal)));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
        await AssertProblemAsync(await Client.GetAsync($"/api/events/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deeply_nested_data_is_400()
    {
        var id = $"evt-rejected-{Guid.NewGuid():N}";

        var response = await Client.PostAsync("/api/events", Json($$"""{"id":"{{id}}","type":"order.created","data":{{NestedArrays(100)}} }"""));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "data");
        await AssertProblemAsync(await Client.GetAsync($"/api/events/{id}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"ID","type":"invoice.paid","data":{}}""", "body")]
    [InlineData("""{"specversion":"0.1","id":"ID","type":"invoice.paid","source":"urn:x","data":{}}""", "body")]
    [InlineData("""{"specversion":"1.0","id":"ID","type":"invoice.paid","source":"urn:x","data_base64":"AAEC"}""", "data")]
    [InlineData("""{"specversion":"1.0","id":"ID","type":"invoice.paid","source":"urn:x","datacontenttype":"text/plain","data":"hi"}""", "data")]
    [InlineData("""{"specversion":"1.0","id":"ID","type":"invoice paid!","source":"urn:x","data":{}}""", "type")]
    [InlineData("""{"specversion":"1.0","id":"ID","type":"invoice.paid","source":"urn:x","data":{}""", "body")]
    public async Task Invalid_cloud_events_are_400_and_store_nothing(string template, string field)
    {
        var id = $"ce-rejected-{Guid.NewGuid():N}";

        var response = await Client.PostAsync("/api/events", Json(template.Replace("ID", id, StringComparison.Ordinal), "application/cloudevents+json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
        await AssertProblemAsync(await Client.GetAsync($"/api/events/{id}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task A_publish_that_is_not_json_is_415(string? contentType)
    {
        var id = $"evt-rejected-{Guid.NewGuid():N}";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","type":"order.created","data":{} }"""));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        await AssertProblemAsync(await Client.PostAsync("/api/events", content), HttpStatusCode.UnsupportedMediaType);
        await AssertProblemAsync(await Client.GetAsync($"/api/events/{id}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_publish_over_256_KiB_is_413_with_or_without_content_length(bool declareLength)
    {
        var id = $"evt-rejected-{Guid.NewGuid():N}";
        var body = Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","type":"order.created","data":"{{new string('x', 256 * 1024)}}"}""");
        HttpContent content = declareLength ? new ByteArrayContent(body) : new StreamContent(new UnknownLengthStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        await AssertProblemAsync(await Client.PostAsync("/api/events", content), HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(await Client.GetAsync($"/api/events/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_publish_just_under_256_KiB_is_accepted()
    {
        var envelope = """{"type":"order.created","data":""}""";
        var padding = new string('x', (256 * 1024) - Encoding.UTF8.GetByteCount(envelope));
        var body = $$"""{"type":"order.created","data":"{{padding}}"}""";
        Assert.Equal(256 * 1024, Encoding.UTF8.GetByteCount(body));

        await AssertJsonAsync(await Client.PostAsync("/api/events", Json(body)), HttpStatusCode.Accepted);
    }

    private Task<HttpResponseMessage> PublishWithKeyAsync(string key, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        return Client.SendAsync(request);
    }

    /// <summary>A stream that will not say its length, so the body goes out chunked.</summary>
    private sealed class UnknownLengthStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
