using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WebhookFunctions.Http.Routing;
using WebhookFunctions.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Api;

public sealed class ServerStartupTests
{
    [Fact]
    public void A_production_start_without_an_api_key_is_refused_with_one_clear_message()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => SelfHostedServer.Build(
            ["--environment", "Production"],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Api:Keys:0"] = " " })));

        Assert.Contains("Api:Keys:0", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task A_production_start_with_an_api_key_builds()
    {
        await using var app = SelfHostedServer.Build(
            ["--environment", "Production"],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Api:Keys:0"] = "a-real-key" }));

        Assert.NotNull(app.Services.GetService(typeof(WebhookFunctions.Http.EventEndpoints)));
    }

    [Fact]
    public void Invalid_options_are_refused_before_the_host_starts()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => SelfHostedServer.Build(
            ["--environment", "Production"],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Api:Keys:0"] = "a-real-key",
                ["Delivery:Jitter"] = "5",
            })));

        Assert.Contains("Jitter", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_maps_exactly_the_route_table()
    {
        await using var app = SelfHostedServer.Build(
            ["--environment", "Production"],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Api:Keys:0"] = "a-real-key" }));

        var mapped = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(method => $"{method} {endpoint.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(ApiRouteTable.All.Select(route => $"{route.Method} {route.Path}").Order(StringComparer.Ordinal), mapped);
    }
}
