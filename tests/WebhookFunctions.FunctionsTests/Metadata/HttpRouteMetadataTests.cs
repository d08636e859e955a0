using System.Text.Json;
using WebhookFunctions.Http.Routing;

namespace WebhookFunctions.FunctionsTests.Metadata;

/// <summary>The HTTP functions the host will serve are exactly the route table the self-hosted server maps.</summary>
public sealed class HttpRouteMetadataTests
{
    [Fact]
    public void Every_route_of_the_table_is_served_by_exactly_one_http_function_with_its_method_template_and_access()
    {
        var served = FunctionsMetadata.OfTrigger("httpTrigger")
            .SelectMany(function => function.Trigger.GetProperty("methods").EnumerateArray().Select(method => Route(
                method.GetString()!,
                FunctionEntry.Text(function.Trigger, "route"),
                FunctionEntry.Text(function.Trigger, "authLevel"))))
            .Order(StringComparer.Ordinal)
            .ToList();

        var table = ApiRouteTable.All
            .Select(route => Route(route.Method, route.Template, route.Access == ApiAccess.Key ? "Function" : "Anonymous"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(table, served);
    }

    [Fact]
    public void Every_http_function_returns_its_response()
    {
        Assert.All(FunctionsMetadata.OfTrigger("httpTrigger"), function => Assert.Contains(
            function.Bindings,
            binding => FunctionEntry.Text(binding, "name") == "$return" && FunctionEntry.Text(binding, "type") == "http"));
    }

    [Fact]
    public void The_host_serves_the_routes_under_the_tables_prefix()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));

        Assert.Equal(
            ApiRouteTemplates.Prefix,
            hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    private static string Route(string method, string template, string authLevel) =>
        $"{method.ToUpperInvariant()} {template} {authLevel}";
}
