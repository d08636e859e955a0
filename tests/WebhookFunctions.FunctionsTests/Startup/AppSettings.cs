using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebhookFunctions.Functions.Hosting;

namespace WebhookFunctions.FunctionsTests.Startup;

/// <summary>
/// App settings as the Functions host hands them to the worker: environment variables, so <c>A__B</c> is the
/// configuration key <c>A:B</c> (the environment variables provider's rule, applied here to an in-memory source so
/// tests running at once do not share one process environment).
/// </summary>
internal static class AppSettings
{
    /// <summary>The "Values" of local.settings.sample.json, the settings `func start` runs with.</summary>
    public static Dictionary<string, string?> LocalSettingsSample()
    {
        var path = typeof(AppSettings).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LocalSettingsSample").Value!;
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(value => value.Name, value => value.Value.GetString());
    }

    public static Dictionary<string, string?> Without(this IReadOnlyDictionary<string, string?> settings, string name)
    {
        Assert.True(settings.ContainsKey(name), $"There is no setting {name} to leave out.");
        return settings.Where(setting => setting.Key != name).ToDictionary();
    }

    public static Dictionary<string, string?> With(this IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string?> overrides) =>
        settings.Concat(overrides).GroupBy(setting => setting.Key).ToDictionary(group => group.Key, group => group.Last().Value);

    /// <summary>
    /// The app's own host, built by its real wiring (<see cref="FunctionsApp.Build"/>) over these settings;
    /// <paramref name="replaceServices"/> registers, after all of the app's registrations, services that replace its own.
    /// </summary>
    public static IHost BuildApp(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? replaceServices = null) =>
        FunctionsApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(
                settings.Select(setting => KeyValuePair.Create(setting.Key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), setting.Value)));
            if (replaceServices is not null)
            {
                builder.ConfigureContainer(new ReplacingServiceProviderFactory(replaceServices));
            }
        });

    /// <summary>The default container, given the last word: it runs when the host builds, after every registration.</summary>
    private sealed class ReplacingServiceProviderFactory(Action<IServiceCollection> replaceServices) : IServiceProviderFactory<IServiceCollection>
    {
        private readonly DefaultServiceProviderFactory inner = new();

        public IServiceCollection CreateBuilder(IServiceCollection services)
        {
            replaceServices(services);
            return inner.CreateBuilder(services);
        }

        public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => inner.CreateServiceProvider(containerBuilder);
    }
}
