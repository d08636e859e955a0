using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace WebhookFunctions.Functions.Hosting;

/// <summary>The classes whose methods are functions; the worker creates one per invocation from the invocation's scope.</summary>
internal static class FunctionClasses
{
    public static IReadOnlyList<Type> All { get; } = typeof(FunctionClasses).Assembly.GetTypes()
        .Where(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Any(method => method.GetCustomAttribute<FunctionAttribute>() is not null))
        .OrderBy(type => type.FullName, StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// Creates every function class once, as the worker's default activator does, so that a setting the services
    /// need but only read when first created stops the app at start-up instead of failing its first invocation.
    /// </summary>
    public static void EnsureResolvable(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        foreach (var type in All)
        {
            ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);
        }
    }
}
