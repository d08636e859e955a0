using System.Text.Json.Nodes;
using WebhookFunctions.Http.Routing;

namespace WebhookFunctions.FunctionsTests.Http;

/// <summary>
/// GET /api/openapi.json on the Functions app: the committed document (which the self-hosted server's tests hold equal
/// to the one it generates), without a key, listing exactly the routes this app serves.
/// </summary>
[Collection(FunctionsAppOnAzuriteCollection.Name)]
public sealed class OpenApiFunctionTests(FunctionsAppOnAzurite app)
{
    [Fact]
    public async Task The_function_serves_the_committed_document_as_it_is()
    {
        var response = await app.Http.SendAsync("GET", "/api/openapi.json");

        Assert.True(response.StatusCode == 200, response.ToString());
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal(await File.ReadAllTextAsync(CommittedDocumentPath()), response.Body);
    }

    [Fact]
    public async Task The_document_it_serves_lists_exactly_the_routes_of_the_route_table()
    {
        var document = JsonNode.Parse((await app.Http.SendAsync("GET", "/api/openapi.json")).Body)!;

        var listed = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key.ToUpperInvariant()} {path.Key}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(ApiRouteTable.All.Select(route => $"{route.Method} {route.Path}").Order(StringComparer.Ordinal), listed);
    }

    private static string CommittedDocumentPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "WebhookFunctions.Http", "OpenApi", "openapi.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("src/WebhookFunctions.Http/OpenApi/openapi.json not found above the test's directory.");
    }
}
