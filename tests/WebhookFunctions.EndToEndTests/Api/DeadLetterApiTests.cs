using System.Net;
using System.Text.Json;
using static WebhookFunctions.EndToEndTests.Api.ApiAssertions;

namespace WebhookFunctions.EndToEndTests.Api;

[Collection(ApiServerCollection.Name)]
public sealed class DeadLetterApiTests(ApiServerFixture server)
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task Listing_with_every_filter_answers_a_page()
    {
        var page = await AssertJsonAsync(
            await Client.GetAsync("/api/dead-letters?subscriptionId=sub_x&eventType=order.created&since=2025-01-01T00:00:00Z&until=2025-02-01T00:00:00%2B01:00&limit=10"),
            HttpStatusCode.OK);

        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("continuationToken").ValueKind);
    }

    [Theory]
    [InlineData("since=yesterday", "since")]
    [InlineData("since=2025-01-01", "since")]
    [InlineData("until=2025-01-01T00:00:00", "until")]
    [InlineData("since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z", "until")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=500", "limit")]
    [InlineData("continuationToken=forged", "continuationToken")]
    [InlineData("stage=fanout", "stage")]
    [InlineData("stage=both", "stage")]
    [InlineData("stage=delivery&stage=fanOut", "stage")]
    public async Task A_bad_query_is_400_naming_the_parameter(string query, string field)
    {
        await AssertProblemAsync(await Client.GetAsync($"/api/dead-letters?{query}"), HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("delivery")]
    [InlineData("fanOut")]
    public async Task Both_stage_names_are_accepted_as_a_filter(string stage)
    {
        var page = await AssertJsonAsync(await Client.GetAsync($"/api/dead-letters?stage={stage}&limit=10"), HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Array, page.GetProperty("items").ValueKind);
    }

    [Fact]
    public async Task A_dry_run_replay_answers_matched_replayed_and_skipped()
    {
        var result = await AssertJsonAsync(
            await Client.PostAsync("/api/dead-letters/replay", Json("""{"eventType":"nothing.matches","dryRun":true}""")),
            HttpStatusCode.OK);

        Assert.Equal("""{"matched":0,"replayed":0,"skipped":{}}""", result.GetRawText());
    }

    [Fact]
    public async Task A_replay_naming_an_unknown_subscription_is_404_not_an_empty_match()
    {
        await AssertProblemAsync(
            await Client.PostAsync("/api/dead-letters/replay", Json("""{"subscriptionId":"sub_x","dryRun":true}""")),
            HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"since":"2025-02-01T00:00:00Z","until":"2025-01-01T00:00:00Z"}""", "until")]
    [InlineData("""{"since":"2025-01-01T00:00:00Z","until":"2025-01-01T00:00:00Z"}""", "until")]
    [InlineData("""{"since":"last week"}""", "since")]
    [InlineData("""{"dryRun":"yes"}""", "dryRun")]
    [InlineData("""{"stage":"poison"}""", "stage")]
    [InlineData("""{"dryRun":true""", "body")]
    public async Task An_invalid_replay_is_400_and_replays_nothing(string body, string field)
    {
        var before = await Client.GetStringAsync("/api/dead-letters?limit=200");

        await AssertProblemAsync(await Client.PostAsync("/api/dead-letters/replay", Json(body)), HttpStatusCode.BadRequest, field);

        Assert.Equal(before, await Client.GetStringAsync("/api/dead-letters?limit=200"));
    }

    [Fact]
    public async Task A_purge_answers_matched_purged_and_the_continuation_token()
    {
        var result = await AssertJsonAsync(await Client.DeleteAsync("/api/dead-letters?eventType=nothing.matches&dryRun=true"), HttpStatusCode.OK);

        Assert.Equal("""{"matched":0,"purged":0,"continuationToken":null}""", result.GetRawText());
    }

    [Fact]
    public async Task A_purge_naming_an_unknown_subscription_is_404_not_an_empty_match()
    {
        await AssertProblemAsync(await Client.DeleteAsync("/api/dead-letters?subscriptionId=sub_x"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("since=yesterday", "since")]
    [InlineData("since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z", "until")]
    [InlineData("limit=0", "limit")]
    [InlineData("continuationToken=forged", "continuationToken")]
    [InlineData("stage=fanout", "stage")]
    [InlineData("tenantId=a%20b", "tenantId")]
    public async Task A_bad_purge_query_is_400_with_the_listings_message_and_purges_nothing(string query, string field)
    {
        var before = await Client.GetStringAsync("/api/dead-letters?limit=200");
        var listing = await AssertProblemAsync(await Client.GetAsync($"/api/dead-letters?{query}"), HttpStatusCode.BadRequest, field);

        var purge = await AssertProblemAsync(await Client.DeleteAsync($"/api/dead-letters?{query}"), HttpStatusCode.BadRequest, field);

        Assert.Equal(listing.GetProperty("errors").GetRawText(), purge.GetProperty("errors").GetRawText());
        Assert.Equal(before, await Client.GetStringAsync("/api/dead-letters?limit=200"));
    }

    [Theory]
    [InlineData("dryRun=yes")]
    [InlineData("dryRun=1")]
    public async Task A_dry_run_flag_that_is_not_true_or_false_is_400(string query)
    {
        var problem = await AssertProblemAsync(await Client.DeleteAsync($"/api/dead-letters?{query}"), HttpStatusCode.BadRequest, "dryRun");

        Assert.Equal("""["dryRun must be true or false."]""", problem.GetProperty("errors").GetProperty("dryRun").GetRawText());
    }
}
