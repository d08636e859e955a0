using Microsoft.Extensions.DependencyInjection;
using WebhookFunctions.Functions.Hosting;
using WebhookFunctions.FunctionsTests.Metadata;

namespace WebhookFunctions.FunctionsTests.Startup;

/// <summary>Creates the class of every function the host knows (from functions.metadata), as the worker does per invocation.</summary>
internal static class FunctionClassResolution
{
    public static IReadOnlyList<Type> ClassesInMetadata() =>
        FunctionsMetadata.All.Select(function => function.ClassName).Distinct()
            .Select(name => typeof(FunctionsApp).Assembly.GetType(name, throwOnError: true)!)
            .ToList();

    public static IReadOnlyList<object> CreateEach(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        return ClassesInMetadata().Select(type => ActivatorUtilities.CreateInstance(scope.ServiceProvider, type)).ToList();
    }
}
