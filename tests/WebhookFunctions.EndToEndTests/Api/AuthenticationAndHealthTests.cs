using System.Net;
using WebhookFunctions.Http.Routing;
using static WebhookFunctions.EndToEndTests.Api.ApiAssertions;

namespace WebhookFunctions.EndToEndTests.Api;

[Collection(ApiServerCollection.Name)]
public sealed class AuthenticationAndHealthTests(ApiServerFixture server)
{
    private const string ValidSubscription = """{"url":"https://example.invalid/hooks","eventTypes":["*"]}""";

    public static TheoryData<string, string> KeyedRoutes()
    {
        var routes = new TheoryData<string, string>();
        foreach (var route in ApiRouteTable.All.Where(route => route.Access == ApiAccess.Key))
        {
            routes.Add(route.Method, route.Path.Replace("{id}", "x_1", StringComparison.Ordinal));
        }

        return routes;
    }

    [Theory]
    [MemberData(nameof(KeyedRoutes))]
    public async Task Every_route_but_health_needs_a_key(string method, string path)
    {
        var response = await server.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_missing_key_is_401_and_writes_nothing()
    {
        var response = await AssertNothingWrittenAsync(server.Client, () => server.Anonymous.PostAsync("/api/subscriptions", Json(ValidSubscription)));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData("end-to-end-test-ke")]
    public async Task A_wrong_key_is_401_and_writes_nothing(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/subscriptions") { Content = Json(ValidSubscription) };
        request.Headers.Add("x-functions-key", key);

        var response = await AssertNothingWrittenAsync(server.Client, () => server.Anonymous.SendAsync(request));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_key_is_accepted_in_the_code_query_parameter()
    {
        var response = await server.Anonymous.GetAsync($"/api/subscriptions?code={ApiServerFixture.ApiKey}&limit=1");

        await AssertJsonAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Health_needs_no_key_and_answers_the_status_alone()
    {
        var response = await server.Anonymous.GetAsync("/api/health");

        var health = await AssertJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["status"], health.EnumerateObject().Select(p => p.Name));
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(response.Headers.CacheControl?.NoStore, response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Health_details_with_a_key_report_every_check_healthy(bool keyInQuery)
    {
        var response = keyInQuery
            ? await server.Anonymous.GetAsync($"/api/health/details?code={ApiServerFixture.ApiKey}")
            : await server.Client.GetAsync("/api/health/details");

        var health = await AssertJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        var checks = health.GetProperty("checks").EnumerateObject().ToList();
        Assert.Equal(["queue", "storage"], checks.Select(c => c.Name).Order());
        Assert.All(checks, check => Assert.Equal("healthy", check.Value.GetString()));
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await AssertProblemAsync(await server.Client.GetAsync("/api/nothing-here"), HttpStatusCode.NotFound);
    }
}
