using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
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
}
