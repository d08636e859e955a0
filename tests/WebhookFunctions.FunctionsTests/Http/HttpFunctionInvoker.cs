using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;
using WebhookFunctions.Functions.Hosting;
using WebhookFunctions.FunctionsTests.Metadata;
using WebhookFunctions.Http.Routing;

namespace WebhookFunctions.FunctionsTests.Http;

/// <summary>
/// Runs an HTTP function the way the worker's ASP.NET Core integration does, minus the Functions host in front: the
/// route is matched against the templates in functions.metadata, the function's class is created from the
/// invocation's scope (which is also the request's RequestServices), its parameters are bound (the request, route
/// values by name, the cancellation token), and the IActionResult it returns is executed against a real HttpContext.
/// </summary>
internal sealed class HttpFunctionInvoker(IServiceProvider services)
{
    public async Task<FunctionResponse> SendAsync(string method, string path, string? json = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var (function, routeValues) = Route(method, path);
        await using var scope = services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var request = context.Request;
        request.Method = method;
        request.Scheme = "http";
        request.Host = new HostString("localhost", 7071);
        var query = path.IndexOf('?', StringComparison.Ordinal);
        request.Path = query < 0 ? path : path[..query];
        request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
        request.RouteValues = routeValues;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers[name] = value;
        }

        if (json is not null)
        {
            var body = Encoding.UTF8.GetBytes(json);
            request.ContentType = string.IsNullOrEmpty(request.ContentType) ? "application/json" : request.ContentType;
            request.ContentLength = body.Length;
            request.Body = new MemoryStream(body);
        }

        context.Response.Body = new MemoryStream();

        var type = typeof(FunctionsApp).Assembly.GetType(function.ClassName, throwOnError: true)!;
        var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);
        var handler = type.GetMethod(function.MethodName, BindingFlags.Public | BindingFlags.Instance)!;
        var arguments = handler.GetParameters().Select(parameter => Bind(parameter, context, routeValues)).ToArray();
        var result = await (Task<IActionResult>)handler.Invoke(instance, arguments)!;

        await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        return FunctionResponse.From(context.Response);
    }

    private static (FunctionEntry Function, RouteValueDictionary Values) Route(string method, string path)
    {
        var prefix = $"/{ApiRouteTemplates.Prefix}";
        var relative = path.Split('?')[0];
        Assert.StartsWith(prefix + "/", relative, StringComparison.Ordinal);
        var matches = FunctionsMetadata.OfTrigger("httpTrigger")
            .Where(function => function.Trigger.GetProperty("methods").EnumerateArray().Any(m => string.Equals(m.GetString(), method, StringComparison.OrdinalIgnoreCase)))
            .Select(function =>
            {
                var values = new RouteValueDictionary();
                var matcher = new TemplateMatcher(TemplateParser.Parse(FunctionEntry.Text(function.Trigger, "route")), new RouteValueDictionary());
                return (Function: function, Values: values, Matched: matcher.TryMatch(relative[prefix.Length..], values));
            })
            .Where(candidate => candidate.Matched)
            .ToList();
        var match = Assert.Single(matches);
        return (match.Function, match.Values);
    }

    private static object? Bind(ParameterInfo parameter, HttpContext context, RouteValueDictionary routeValues) =>
        parameter.ParameterType switch
        {
            var type when type == typeof(HttpRequest) => context.Request,
            var type when type == typeof(CancellationToken) => context.RequestAborted,
            var type when type == typeof(string) && routeValues.TryGetValue(parameter.Name!, out var value) => value?.ToString(),
            _ => throw new NotSupportedException($"Cannot bind {parameter.Name} ({parameter.ParameterType}) of {parameter.Member.DeclaringType}.{parameter.Member.Name}."),
        };
}
