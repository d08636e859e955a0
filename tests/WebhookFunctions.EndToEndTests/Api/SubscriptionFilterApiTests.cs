using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using static WebhookFunctions.EndToEndTests.Api.ApiAssertions;

namespace WebhookFunctions.EndToEndTests.Api;

/// <summary>The subscription's filter field through the HTTP API: stored, returned, patched, removed, and refused when invalid.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class SubscriptionFilterApiTests(ApiServerFixture server)
{
    private const string Filter = """{"$or":[{"data.amount":{"$gte":1000}},{"subject":{"$in":["tenant-1","tenant-2"]}}],"data.items.0.sku":{"$exists":true}}""";

    private HttpClient Client => server.Client;

    [Fact]
    public async Task The_filter_is_returned_by_create_get_and_list_as_given()
    {
        var created = await AssertJsonAsync(await Client.PostAsync("/api/subscriptions", Json(Body(Filter))), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;

        var read = await AssertJsonAsync(await Client.GetAsync($"/api/subscriptions/{id}"), HttpStatusCode.OK);
        var page = await AssertJsonAsync(await Client.GetAsync("/api/subscriptions?limit=200"), HttpStatusCode.OK);
        var listed = page.GetProperty("items").EnumerateArray().Single(item => item.GetProperty("id").GetString() == id);

        foreach (var subscription in new[] { created, read, listed })
        {
            Assert.Equal(Filter, subscription.GetProperty("filter").GetRawText());
        }
    }

    [Fact]
    public async Task A_subscription_without_a_filter_reads_back_filter_null()
    {
        var created = await AssertJsonAsync(await Client.PostAsync("/api/subscriptions", Json(Body("null"))), HttpStatusCode.Created);

        var read = await AssertJsonAsync(await Client.GetAsync($"/api/subscriptions/{created.GetProperty("id").GetString()}"), HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Null, read.GetProperty("filter").ValueKind);
    }

    [Fact]
    public async Task Patch_sets_keeps_and_with_null_removes_the_filter()
    {
        var created = await AssertJsonAsync(await Client.PostAsync("/api/subscriptions", Json(Body(null))), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;

        var set = await PatchAsync(id, $$"""{"filter":{{Filter}}}""");
        Assert.Equal(Filter, set.GetProperty("filter").GetRawText());

        var kept = await PatchAsync(id, """{"description":"still filtered"}""");
        Assert.Equal(Filter, kept.GetProperty("filter").GetRawText());

        await PatchAsync(id, """{"filter":null}""");
        var read = await AssertJsonAsync(await Client.GetAsync($"/api/subscriptions/{id}"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, read.GetProperty("filter").ValueKind);
    }

    [Theory]
    [InlineData("""{"$or":[{"data.a":1},{"data.amount":{"$gtx":5}}]}""", "filter.$or[1].data.amount.$gtx")]
    [InlineData("""{"datum.amount":1}""", "filter.datum.amount")]
    [InlineData("""{"data.amount":{"$in":[]}}""", "filter.data.amount.$in")]
    [InlineData("""{"$and":[{"$or":[{"$not":{"$and":[{"$or":[{"data.x":1}]}]}}]}]}""", "filter.$and[0].$or[0].$not.$and[0].$or[0]")]
    [InlineData("""{}""", "filter")]
    [InlineData("5", "filter")]
    public async Task An_invalid_filter_is_400_naming_its_place_on_create_and_patch(string filter, string place)
    {
        var create = await AssertNothingWrittenAsync(Client, () => Client.PostAsync("/api/subscriptions", Json(Body(filter))));
        await AssertProblemAsync(create, HttpStatusCode.BadRequest, place);

        var created = await AssertJsonAsync(await Client.PostAsync("/api/subscriptions", Json(Body(null))), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/subscriptions/{id}") { Content = Json($$"""{"filter":{{filter}}}""") };
        patch.Headers.IfMatch.Add(EntityTagHeaderValue.Parse($"\"{created.GetProperty("etag").GetString()}\""));
        await AssertProblemAsync(await Client.SendAsync(patch), HttpStatusCode.BadRequest, place);

        var read = await AssertJsonAsync(await Client.GetAsync($"/api/subscriptions/{id}"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, read.GetProperty("filter").ValueKind);
    }

    [Fact]
    public async Task A_filter_of_more_than_fifty_conditions_is_400()
    {
        var conditions = string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"data.f{i}\":{i}"));

        var response = await AssertNothingWrittenAsync(Client, () => Client.PostAsync("/api/subscriptions", Json(Body($"{{{conditions}}}"))));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "filter");
        Assert.Contains("51 conditions", problem.GetProperty("errors").GetProperty("filter")[0].GetString(), StringComparison.Ordinal);
    }

    private static string Body(string? filter) => filter is null
        ? """{"url":"https://example.invalid/hooks","eventTypes":["order.*"]}"""
        : $$"""{"url":"https://example.invalid/hooks","eventTypes":["order.*"],"filter":{{filter}}}""";

    private async Task<JsonElement> PatchAsync(string id, string body)
    {
        var current = await Client.GetAsync($"/api/subscriptions/{id}");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/subscriptions/{id}") { Content = Json(body) };
        patch.Headers.IfMatch.Add(current.Headers.ETag!);
        return await AssertJsonAsync(await Client.SendAsync(patch), HttpStatusCode.OK);
    }
}
