using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WebhookFunctions.Development;
using WebhookFunctions.Http.Routing;
using WebhookFunctions.Http.Security;
using WebhookFunctions.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Api;

public sealed class ServerStartupTests
{
    private const string StrongKey = "9cV2y3Qm8sKf0Lr1Tb7Xw4Ze6Hn5Pa2J";

    [Fact]
    public void A_production_start_without_an_api_key_is_refused_with_one_clear_message()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => SelfHostedServer.Build(
            ["--environment", "Production"],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Api:Keys:0"] = " " })));

        Assert.Contains("Api:Keys:0", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Theory]
    [InlineData("local-dev-key-change-me", "public development key")]
    [InlineData("abc", "has 3 characters")]
    [InlineData("0123456789abcdef0123456789abcde", "has 31 characters")]
    public void A_production_start_with_a_guessable_key_is_refused_with_how_to_make_one(string key, string why)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => SelfHostedServer.Build(
            ["--environment", "Production"],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Api:Keys:0"] = key })));

        Assert.Contains(why, refused.Message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task A_production_start_with_a_strong_key_accepts_that_key_and_not_the_development_one()
    {
        await using var app = SelfHostedServer.Build(
            ["--environment", "Production"],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Api:Keys:0"] = StrongKey }));

        var keys = app.Services.GetRequiredService<ApiKeyValidator>();
        Assert.True(keys.IsValid(StrongKey));
        Assert.False(keys.IsValid(ProductionKeyRules.DevelopmentKey));
    }

    [Fact]
    public async Task Outside_Development_no_storage_emulator_is_started_unless_asked_for()
    {
        var ports = AzuritePorts.FindFree();
        await using var production = SelfHostedServer.Build(
            ["--environment", "Production"],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Api:Keys:0"] = StrongKey,
                ["Storage:ConnectionString"] = ports.ToConnectionString(),
            }));
        var azurite = production.Services.GetServices<IHostedService>().OfType<IHostedLifecycleService>().Single(s => s.GetType().Name == "AzuriteHostedService");

        await azurite.StartingAsync(CancellationToken.None);

        using var probe = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync("127.0.0.1", ports.Table));
    }

    [Fact]
    public void Invalid_options_are_refused_before_the_host_starts()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => SelfHostedServer.Build(
            ["--environment", "Production"],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Api:Keys:0"] = StrongKey,
                ["Delivery:Jitter"] = "5",
            })));

        Assert.Contains("Jitter", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_maps_exactly_the_route_table()
    {
        await using var app = SelfHostedServer.Build(
            ["--environment", "Production"],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Api:Keys:0"] = StrongKey }));

        var mapped = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(method => $"{method} {endpoint.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(ApiRouteTable.All.Select(route => $"{route.Method} {route.Path}").Order(StringComparer.Ordinal), mapped);
    }
}
