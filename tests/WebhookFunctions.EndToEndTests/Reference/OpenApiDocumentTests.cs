using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebhookFunctions.EndToEndTests.Api;
using WebhookFunctions.Http.OpenApi;
using WebhookFunctions.Http.Routing;

namespace WebhookFunctions.EndToEndTests.Reference;

/// <summary>
/// The OpenAPI document the self-hosted server generates: served without a key, exactly the route table's routes, and
/// the same document the Functions app serves. WEBHOOK_UPDATE_OPENAPI=1 writes the generated document over the
/// committed one (then rebuild and run again).
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class OpenApiDocumentTests(ApiServerFixture server)
{
    [Fact]
    public async Task The_document_is_OpenAPI_3_1_and_needs_no_key()
    {
        var document = await ServedAsync();

        Assert.StartsWith("3.1.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(document["servers"]?.AsArray() ?? []);
    }

    [Fact]
    public async Task The_document_lists_exactly_the_routes_of_the_route_table()
    {
        var document = await ServedAsync();

        var listed = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key.ToUpperInvariant()} {path.Key}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(ApiRouteTable.All.Select(route => $"{route.Method} {route.Path}").Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task Every_route_needs_the_key_scheme_exactly_when_the_route_table_says_so()
    {
        var document = await ServedAsync();

        foreach (var route in ApiRouteTable.All)
        {
            var operation = document["paths"]![route.Path]![route.Method.ToLowerInvariant()]!;
            var schemes = (operation["security"]?.AsArray() ?? []).SelectMany(requirement => requirement!.AsObject().Select(scheme => scheme.Key)).Order();
            Assert.Equal(route.Access == ApiAccess.Key ? ["functionKey", "functionKeyQuery"] : Array.Empty<string>(), schemes);
            Assert.Equal(route.Access == ApiAccess.Key, operation["responses"]!.AsObject().ContainsKey("401"));
        }

        var header = document["components"]!["securitySchemes"]!["functionKey"]!;
        Assert.Equal(("apiKey", "header", "x-functions-key"), (header["type"]!.GetValue<string>(), header["in"]!.GetValue<string>(), header["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_If_Match_and_ETag_rules_are_in_the_document()
    {
        var document = await ServedAsync();

        var patch = document["paths"]!["/api/subscriptions/{id}"]!["patch"]!;
        var ifMatch = patch["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "If-Match")!;
        Assert.Equal(("header", true), (ifMatch["in"]!.GetValue<string>(), ifMatch["required"]!.GetValue<bool>()));
        Assert.True(patch["responses"]!.AsObject().ContainsKey("412"));
        Assert.True(patch["responses"]!.AsObject().ContainsKey("428"));
        Assert.NotNull(patch["responses"]!["200"]!["headers"]!["ETag"]);
        Assert.NotNull(document["paths"]!["/api/subscriptions/{id}"]!["get"]!["responses"]!["200"]!["headers"]!["ETag"]);
    }

    [Fact]
    public async Task The_Functions_app_serves_the_same_document_the_server_generates()
    {
        var served = await ServedTextAsync();
        if (Environment.GetEnvironmentVariable("WEBHOOK_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(RepositoryFiles.CommittedOpenApiDocument, Indented(served));
        }

        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(served), JsonNode.Parse(new OpenApiDocumentEndpoint().Utf8.Span)),
            "src/WebhookFunctions.Http/OpenApi/openapi.json differs from the generated document: run this test with WEBHOOK_UPDATE_OPENAPI=1, rebuild, and commit the file.");
    }

    private async Task<string> ServedTextAsync()
    {
        var response = await server.Anonymous.GetAsync("/api/openapi.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return text;
    }

    private async Task<JsonNode> ServedAsync() => JsonNode.Parse(await ServedTextAsync())!;

    private static string Indented(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
}
