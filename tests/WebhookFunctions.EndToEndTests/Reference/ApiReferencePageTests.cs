using System.Net;
using WebhookFunctions.EndToEndTests.Api;
using WebhookFunctions.SelfHosted;

namespace WebhookFunctions.EndToEndTests.Reference;

/// <summary>The interactive API reference at /api/docs: served in Development, over the generated document; absent elsewhere.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class ApiReferencePageTests(ApiServerFixture server)
{
    [Fact]
    public async Task Outside_Development_there_is_no_reference_page()
    {
        var response = await server.Anonymous.GetAsync(SelfHostedServer.ApiReferencePath);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task In_Development_the_reference_page_is_served_over_the_generated_document()
    {
        await using var development = await DevelopmentServer.StartAsync();
        using var client = development.CreateClient(withKey: false);

        var page = await client.GetAsync(SelfHostedServer.ApiReferencePath);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.True(html.Contains($"\"url\":\"{SelfHostedServer.OpenApiDocumentPath.TrimStart('/')}\"", StringComparison.Ordinal), html);
    }
}
